/// Reading Xilinx `.bit` files.
public enum Bitstream {}
