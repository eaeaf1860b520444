// A host thread that gives up what it may do before it works: the port proxy's and the
// user-mode network's. It starts with every signal blocked, so that none is delivered to it
// instead of to the platform's run loop, runs `setup` (the seal: a seccomp allowlist), and only
// then `body`; the caller waits for the seal and gets its error.
#pragma once

#include <functional>
#include <thread>

namespace ingot {

// Returns once `setup` ran on the new thread; throws what it threw, the thread joined. What
// tells the caller lives on the caller's stack, so the sealed thread frees nothing of it.
std::thread start_sealed_thread(std::function<void()> setup, std::function<void()> body);

} // namespace ingot
