import PynqAlveo
import PynqBackend
import PynqMock
import PynqZynq

extension Device {
    /// Every backend this build knows, in probing order: real hardware first, the Mock backend last
    /// and only when asked for (`PYNQ_BACKEND=mock` or `Device.select(.mock)`).
    /// A backend module adds its `BackendProbe` here, before `MockBackend.probe`.
    static let registry: [BackendProbe] = [
        AlveoBackend.probe,
        ZynqBackend.probe,
        MockBackend.probe,
    ]
}
