#include "instance/process_identity.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ingot {

namespace {

std::optional<std::string> read_text(const std::string& path) {
    std::ifstream file(path);
    if (!file)
        return std::nullopt;
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

} // namespace

std::optional<uint64_t> parse_stat_start_time(std::string_view stat) {
    size_t close = stat.rfind(')');
    if (close == std::string_view::npos)
        return std::nullopt;
    std::string_view rest = stat.substr(close + 1);
    // After the command: field 3 (state) onwards; field 22 is the 20th of them.
    int field = 2;
    size_t position = 0;
    while (position < rest.size()) {
        while (position < rest.size() && rest[position] == ' ')
            ++position;
        size_t end = rest.find(' ', position);
        if (end == std::string_view::npos)
            end = rest.size();
        if (position == end)
            break;
        ++field;
        if (field == 22) {
            uint64_t value = 0;
            auto [last, error] = std::from_chars(rest.data() + position, rest.data() + end, value);
            if (error != std::errc() || last != rest.data() + end)
                return std::nullopt;
            return value;
        }
        position = end;
    }
    return std::nullopt;
}

std::string current_boot_id() {
    std::string id = read_text("/proc/sys/kernel/random/boot_id").value_or("");
    while (!id.empty() && (id.back() == '\n' || id.back() == ' '))
        id.pop_back();
    return id;
}

std::optional<ProcessIdentity> identify_process(int pid) {
    if (pid <= 0)
        return std::nullopt;
    auto stat = read_text("/proc/" + std::to_string(pid) + "/stat");
    if (!stat)
        return std::nullopt;
    auto start = parse_stat_start_time(*stat);
    // A zombie has ended: only its exit status waits for its parent.
    size_t close = stat->rfind(") ");
    if (!start || close == std::string::npos || close + 2 >= stat->size() ||
        (*stat)[close + 2] == 'Z' || (*stat)[close + 2] == 'X')
        return std::nullopt;
    return ProcessIdentity{pid, *start, current_boot_id()};
}

bool same_process(const ProcessIdentity& recorded, const std::optional<ProcessIdentity>& now) {
    return recorded.pid > 0 && now && now->pid == recorded.pid &&
           now->start_time == recorded.start_time && !recorded.boot_id.empty() &&
           now->boot_id == recorded.boot_id;
}

bool is_running(const ProcessIdentity& recorded) {
    return same_process(recorded, identify_process(recorded.pid));
}

uint64_t resident_memory(int pid) {
    std::string base = "/proc/" + std::to_string(pid);
    auto status = read_text(base + "/status");
    if (!status)
        return 0;
    uint64_t bytes = 0;
    std::istringstream lines(*status);
    for (std::string line; std::getline(lines, line);)
        if (line.starts_with("VmRSS:")) {
            uint64_t kibibytes = 0;
            std::istringstream(line.substr(6)) >> kibibytes;
            bytes = kibibytes * 1024;
        }
    std::istringstream children(
        read_text(base + "/task/" + std::to_string(pid) + "/children").value_or(""));
    for (int child; children >> child;)
        bytes += resident_memory(child);
    return bytes;
}

std::vector<ProcessIdentity> descendants(int pid) {
    std::vector<ProcessIdentity> found;
    std::error_code error;
    std::filesystem::directory_iterator tasks("/proc/" + std::to_string(pid) + "/task", error);
    for (; !error && tasks != std::filesystem::directory_iterator(); tasks.increment(error)) {
        std::istringstream children(read_text(tasks->path() / "children").value_or(""));
        for (int child; children >> child;) {
            if (auto identity = identify_process(child)) {
                found.push_back(*identity);
                auto further = descendants(child);
                found.insert(found.end(), further.begin(), further.end());
            }
        }
    }
    return found;
}

} // namespace ingot
