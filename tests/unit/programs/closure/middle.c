// Needs the leaf library, and names no directory to find it in: only an inherited DT_RPATH
// reaches it.
int closure_leaf(void);
int closure_middle(void) {
    return closure_leaf() + 1;
}
