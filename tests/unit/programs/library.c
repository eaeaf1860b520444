// A shared library: an ELF that program checks must reject as "not a program".
int ingot_unit_library_function(int value) { return value * 2; }
