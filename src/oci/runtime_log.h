// Where ingot-oci reports: stderr, and the --log file in the --log-format its caller reads.
// conmon and containerd's shim pass `--log FILE --log-format json` and, when a command fails,
// show the "msg" of the file's last error line (logrus's JSON, as runc writes it).
#pragma once

#include <string>

namespace ingot {

struct RuntimeLog {
    std::string path; // empty: stderr only
    bool json = false;
    bool debug = false;

    void error(const std::string& message) const;
    // Only with --debug, to the log file alone.
    void debug_line(const std::string& message) const;
};

// One log line: {"level":...,"msg":...,"time":...} (json) or logrus's text format.
std::string format_log_line(const std::string& level, const std::string& message,
                            const std::string& time, bool json);

// Now as RFC 3339 in UTC with nanoseconds, as logrus writes it.
std::string rfc3339_now();

} // namespace ingot
