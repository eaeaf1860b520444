#include "oci/container_init.h"

#include "launch/on_demand.h"
#include "oci/console_socket.h"
#include "sandbox/monitor_sandbox.h"
#include "support/error.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <exception>

namespace ingot {

[[noreturn]] void run_container_init(const LaunchPlan& plan, const std::string& fifo_path,
                                     int terminal, const RuntimeLog& log) {
    if (terminal >= 0) {
        adopt_console(terminal);
        if (terminal > 2)
            ::close(terminal);
    }
    // Nothing of create's (the console socket, the caller's other descriptors) lives on.
    close_inherited_descriptors();
    // Blocks until `start` opens the FIFO for reading; the byte tells it the init went on.
    int fifo = ::open(fifo_path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fifo < 0 || ::write(fifo, "0", 1) != 1)
        ::_exit(127);
    ::close(fifo);
    int status = 2;
    try {
        status = run_plan(plan);
    } catch (const UserError& error) {
        log.error(error.what());
    } catch (const std::exception& error) {
        log.error(std::string("internal error: ") + error.what());
    }
    std::fflush(stdout);
    std::fflush(stderr);
    ::_exit(status);
}

} // namespace ingot
