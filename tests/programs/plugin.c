// The small shared library dynamic_loading.c loads with dlopen.
int plugin_answer(int question) {
    return question + 2;
}
