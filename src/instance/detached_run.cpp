#include "instance/detached_run.h"

#include "instance/instance_store.h"
#include "instance/restart_policy.h"
#include "instance/supervisor.h"
#include "support/error.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <fmt/format.h>
#include <fstream>

namespace ingot {

namespace {

std::vector<std::string> own_arguments() {
    // A file of /proc has no size: read to its end, words ending with NUL.
    std::ifstream file("/proc/self/cmdline");
    std::vector<std::string> words;
    for (std::string word; std::getline(file, word, '\0');)
        words.push_back(std::move(word));
    if (!words.empty())
        words.erase(words.begin());
    return words;
}

std::string own_executable() {
    char path[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
    if (length < 0)
        fail("cannot read /proc/self/exe: {}", system_error_text(errno));
    return std::string(path, static_cast<size_t>(length));
}

std::string working_directory() {
    char path[PATH_MAX];
    if (!getcwd(path, sizeof path))
        fail("cannot read the working directory: {}", system_error_text(errno));
    return path;
}

// The supervisor's process: no terminal, no inherited descriptor but the start pipe (as 3),
// and a fresh ingot (exec): nothing of ingot run's memory, such as the image it packed, stays
// with it for the instance's life.
[[noreturn]] void become_supervisor(const InstanceStore& store, const InstanceConfig& config,
                                    int start_fd) {
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; ++fd)
        dup2(null, fd);
    if (start_fd == 3)
        fcntl(3, F_SETFD, 0);
    else
        dup2(start_fd, 3);
    close_range(4, ~0U, 0);
    if (chdir("/") != 0)
        _exit(1);
    std::vector<std::string> words = {"ingot", "supervise-instance", store.root(), config.id};
    std::vector<char*> argv;
    for (auto& word : words)
        argv.push_back(word.data());
    argv.push_back(nullptr);
    execv(config.executable.c_str(), argv.data());
    std::string message = fmt::format("{}ingot: error: cannot run {}: {}\n", supervisor_failed,
                                      config.executable, system_error_text(errno));
    [[maybe_unused]] ssize_t ignored = write(3, message.data(), message.size());
    _exit(1);
}

} // namespace

void run_supervisor(const std::string& root, const std::string& id) {
    if (fcntl(3, F_SETFD, FD_CLOEXEC) != 0)
        fail("supervise-instance is ingot run -d's: its start pipe (descriptor 3) is not open");
    prctl(PR_SET_NAME, "ingot-supervise");
    // The start pipe's reader may be gone (ingot run -d interrupted): EPIPE, not death.
    signal(SIGPIPE, SIG_IGN);
    InstanceStore store(root);
    supervise(store, store.config(id), 3);
}

std::vector<std::string> strip_detach_options(const std::vector<std::string>& arguments) {
    std::vector<std::string> kept;
    for (size_t i = 0; i < arguments.size(); ++i) {
        const std::string& word = arguments[i];
        if (word == "--") {
            kept.insert(kept.end(), arguments.begin() + static_cast<ptrdiff_t>(i), arguments.end());
            break;
        }
        if (word == "-d" || word == "--detach" || word.starts_with("--name=") ||
            word.starts_with("--restart="))
            continue;
        if (word == "--name" || word == "--restart") {
            ++i; // and its value
            continue;
        }
        kept.push_back(word);
    }
    return kept;
}

std::optional<int> run_detached_if_asked(const DetachOptions& options,
                                         const DetachedLaunch& launch) {
    if (!options.detach) {
        if (!options.name.empty())
            fail("--name names a detached instance: add -d");
        if (options.restart != "no")
            fail("--restart is for detached instances: add -d");
        return std::nullopt;
    }
    RestartPolicy policy = RestartPolicy::parse(options.restart);
    InstanceStore store(instance_state_root());
    InstanceConfig config;
    config.id = generate_instance_id();
    config.name = options.name.empty() ? store.unused_generated_name() : options.name;
    config.image = launch.image;
    config.platform = launch.platform;
    config.executable = own_executable();
    config.command = strip_detach_options(own_arguments());
    config.working_directory = working_directory();
    config.ports = launch.ports;
    config.volumes = launch.volumes;
    config.restart_policy = policy.text();
    config.created_at = now_nanoseconds();
    store.create(config, InstanceState{}, launch.plan);

    int start[2];
    if (pipe2(start, O_CLOEXEC) != 0) {
        store.remove({config.id, config.name});
        fail("pipe: {}", system_error_text(errno));
    }
    fflush(stdout);
    fflush(stderr);
    // Forked twice, with a session of its own between: the supervisor is no child of this
    // process and can never take a terminal (setsid(2); as daemon(3) does).
    pid_t first = fork();
    if (first == 0) {
        close(start[0]);
        setsid();
        pid_t second = fork();
        if (second != 0)
            _exit(second < 0 ? 1 : 0);
        become_supervisor(store, config, start[1]);
    }
    close(start[1]);
    if (first > 0)
        waitpid(first, nullptr, 0);
    std::string report;
    char buffer[4096];
    for (ssize_t got; (got = read(start[0], buffer, sizeof buffer)) != 0;) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            break;
        report.append(buffer, static_cast<size_t>(got));
    }
    close(start[0]);
    if (report.starts_with(supervisor_started)) {
        fmt::print("{}\n", config.id);
        return 0;
    }
    store.remove({config.id, config.name});
    if (report.starts_with(supervisor_failed)) {
        fmt::print(stderr, "{}", report.substr(supervisor_failed.size()));
        return 2;
    }
    fail("the instance's supervisor ended before the instance started");
}

} // namespace ingot
