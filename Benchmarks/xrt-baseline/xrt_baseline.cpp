// The C++ baseline for the Alveo benchmarks (BENCHMARKS.md): the XRT calls swift-pynq makes, made
// directly, on the same device, with the same timing method as Benchmarks/AlveoBench.
//   - C API: xrtBOAlloc + xrtBOMap + xrtBOAddress + xrtBOFree (what AlveoBackend.allocate + release
//     call); xrtBOSync of the whole buffer to the device.
//   - C++ API: xrt::bo(device, size, flags, group) + map() + address() + destruction; bo.sync.
//   - mmap of 1 MiB of anonymous memory, a write to its first byte, munmap, in this process (what
//     XRT's no-op layer and malloc do for a 1 MiB buffer), to compare with the same line of AlveoBench.
// Built by scripts/bench-alveo.sh (g++ -O2, only -lxrt_coreutil). Prints one line per measurement:
//   <name> <median ns per operation>
#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <sys/mman.h>
#include <vector>

namespace {

// Median over `rounds` batches of the time per call of `body`, `batch` calls per batch.
double median_ns(int rounds, int batch, const std::function<void()>& body) {
  std::vector<double> samples;
  for (int i = 0; i < batch; ++i) body();  // warm-up
  for (int r = 0; r < rounds; ++r) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < batch; ++i) body();
    auto stop = std::chrono::steady_clock::now();
    samples.push_back(std::chrono::duration<double, std::nano>(stop - start).count() / batch);
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

void fail(const char* what) {
  std::fprintf(stderr, "xrt_baseline: %s failed\n", what);
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: xrt_baseline FILE.xclbin [rounds]\n");
    return 2;
  }
  int rounds = argc > 2 ? std::atoi(argv[2]) : 41;
  const int batch = 1000;

  xrtDeviceHandle device = xrtDeviceOpen(0);
  if (!device) fail("xrtDeviceOpen");
  if (xrtDeviceLoadXclbinFile(device, argv[1])) fail("xrtDeviceLoadXclbinFile");
  const xrtMemoryGroup group = 0;

  for (size_t size : {size_t(4096), size_t(1) << 20}) {
    std::string label = size == 4096 ? "4KiB" : "1MiB";
    double c = median_ns(rounds, batch, [&] {
      xrtBufferHandle bo = xrtBOAlloc(device, size, 0, group);
      if (!bo || !xrtBOMap(bo) || !xrtBOAddress(bo)) fail("xrtBOAlloc/xrtBOMap/xrtBOAddress");
      xrtBOFree(bo);
    });
    std::printf("c_alloc_map_free_%s %.1f\n", label.c_str(), c);
  }
  {
    xrtBufferHandle bo = xrtBOAlloc(device, 4096, 0, group);
    double c = median_ns(rounds, batch * 10, [&] {
      if (xrtBOSync(bo, XCL_BO_SYNC_BO_TO_DEVICE, 4096, 0)) fail("xrtBOSync");
    });
    std::printf("c_sync_4KiB %.1f\n", c);
    xrtBOFree(bo);
  }
  xrtDeviceClose(device);

  xrt::device cxx(0u);
  cxx.load_xclbin(std::string(argv[1]));
  for (size_t size : {size_t(4096), size_t(1) << 20}) {
    std::string label = size == 4096 ? "4KiB" : "1MiB";
    double cpp = median_ns(rounds, batch, [&] {
      xrt::bo bo(cxx, size, xrt::bo::flags::normal, group);
      if (!bo.map() || !bo.address()) fail("xrt::bo::map/address");
    });
    std::printf("cpp_alloc_map_free_%s %.1f\n", label.c_str(), cpp);
  }
  {
    xrt::bo bo(cxx, 4096, xrt::bo::flags::normal, group);
    double cpp = median_ns(rounds, batch * 10, [&] { bo.sync(XCL_BO_SYNC_BO_TO_DEVICE, 4096, 0); });
    std::printf("cpp_sync_4KiB %.1f\n", cpp);
  }
  double mapping = median_ns(rounds, batch, [] {
    void* memory = mmap(nullptr, size_t(1) << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) fail("mmap");
    *static_cast<volatile char*>(memory) = 1;
    munmap(memory, size_t(1) << 20);
  });
  std::printf("c_floor_mmap_1MiB %.1f\n", mapping);
  return 0;
}
