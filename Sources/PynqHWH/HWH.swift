/// Reading Vivado hardware hand-off (`.hwh`) files.
public enum HWH {}
