/// Reading and writing xclbin (`axlf`) files.
public enum Xclbin {}
