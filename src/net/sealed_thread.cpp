#include "net/sealed_thread.h"

#include <pthread.h>
#include <signal.h>

#include <condition_variable>
#include <exception>
#include <mutex>

namespace ingot {

namespace {

// The seal's outcome, told once. The thread notifies while it holds the lock, so the caller,
// which waits on the same lock, cannot return and free this before the thread let go of it.
struct SetUp {
    std::mutex mutex;
    std::condition_variable told;
    bool done = false;
    std::exception_ptr error;

    void tell(std::exception_ptr outcome) {
        std::lock_guard lock(mutex);
        error = outcome;
        done = true;
        told.notify_one();
    }
};

} // namespace

std::thread start_sealed_thread(std::function<void()> setup, std::function<void()> body) {
    SetUp set_up;
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    std::thread thread;
    try {
        thread = std::thread([&set_up, setup = std::move(setup), body = std::move(body)] {
            try {
                if (setup)
                    setup();
            } catch (...) {
                set_up.tell(std::current_exception());
                return;
            }
            set_up.tell(nullptr);
            body();
        });
    } catch (...) {
        pthread_sigmask(SIG_SETMASK, &previous, nullptr);
        throw;
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    std::unique_lock lock(set_up.mutex);
    set_up.told.wait(lock, [&] { return set_up.done; });
    if (set_up.error) {
        lock.unlock();
        thread.join();
        std::rethrow_exception(set_up.error);
    }
    return thread;
}

} // namespace ingot
