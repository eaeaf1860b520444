// The bottom of the library chain the closure tests resolve (see closure_layouts.cmake).
int closure_leaf(void) {
    return 1;
}
