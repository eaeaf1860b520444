// Exits 0 when the whole chain loaded: the tests run it natively to check that glibc's ld.so
// agrees with the closure finder.
int closure_top(void);
int main(void) {
    return closure_top() == 3 ? 0 : 1;
}
