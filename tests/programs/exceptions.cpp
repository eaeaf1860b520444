// Exceptions: thrown and caught through frames, rethrown, and carried across threads by
// std::async and std::promise.
#include <future>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

struct CustomError : std::runtime_error {
    int code;
    explicit CustomError(int c) : std::runtime_error("custom error"), code(c) {}
};

[[gnu::noinline]] int deep(int depth) {
    if (depth == 0)
        throw CustomError(42);
    return deep(depth - 1) + 1;
}

} // namespace

int main() {
    try {
        throw std::runtime_error("plain throw");
    } catch (const std::exception& e) {
        std::cout << "caught: " << e.what() << std::endl;
    }
    try {
        deep(50);
    } catch (const CustomError& e) {
        std::cout << "caught from depth: " << e.what() << " code=" << e.code << std::endl;
    }
    try {
        try {
            throw std::logic_error("inner");
        } catch (...) {
            std::cout << "rethrowing" << std::endl;
            throw;
        }
    } catch (const std::logic_error& e) {
        std::cout << "caught rethrown: " << e.what() << std::endl;
    }

    auto future = std::async(std::launch::async, []() -> int { throw std::out_of_range("from async"); });
    try {
        future.get();
        std::cout << "async did not throw" << std::endl;
    } catch (const std::out_of_range& e) {
        std::cout << "caught across async: " << e.what() << std::endl;
    }

    std::promise<std::string> promise;
    std::future<std::string> result = promise.get_future();
    std::thread thread([&promise] {
        try {
            throw std::invalid_argument("from promise thread");
        } catch (...) {
            promise.set_exception(std::current_exception());
        }
    });
    try {
        std::string value = result.get();
        std::cout << "promise gave a value: " << value << std::endl;
    } catch (const std::invalid_argument& e) {
        std::cout << "caught across promise: " << e.what() << std::endl;
    }
    thread.join();
    std::cout << "exceptions done" << std::endl;
    return 0;
}
