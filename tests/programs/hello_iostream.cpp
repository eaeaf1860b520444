// C++ hello: iostreams, strings, containers, a static constructor.
#include <algorithm>
#include <iostream>
#include <numeric>
#include <string>
#include <vector>

namespace {
struct StaticInit {
    std::string text;
    StaticInit() : text("static constructor ran") {}
} static_init;
} // namespace

int main(int argc, char** argv) {
    std::cout << "hello from C++ iostream" << std::endl;
    std::cout << static_init.text << '\n';
    std::vector<int> values{5, 3, 9, 1, 7};
    std::sort(values.begin(), values.end());
    std::cout << "sorted:";
    for (int v : values)
        std::cout << ' ' << v;
    std::cout << "\nsum=" << std::accumulate(values.begin(), values.end(), 0) << '\n';
    std::string joined;
    for (int i = 1; i < argc; ++i)
        joined += (i > 1 ? "," : "") + std::string(argv[i]);
    std::cout << "args=[" << joined << "]" << std::endl;
    std::cerr << "cerr works" << std::endl;
    return 0;
}
