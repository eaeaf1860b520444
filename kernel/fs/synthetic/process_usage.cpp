#include "fs/synthetic/process_usage.h"

#include "lib/string.h"

namespace kernel::synthetic {

namespace {

class UsageCounter final : public MappingVisitor {
public:
    explicit UsageCounter(ProcessUsage& usage) : m_usage(usage) {}

    void visit(const MappingFacts& mapping) override {
        uint64_t length = mapping.end - mapping.start;
        m_usage.size += length;
        bool accessible = mapping.readable || mapping.writable || mapping.executable;
        bool is_stack = string_equals(mapping.name, "[stack]");
        if (accessible)
            m_usage.resident += length;
        if (is_stack) {
            m_usage.stack += length;
            m_usage.start_stack = mapping.end;
        } else if (mapping.writable && !mapping.shared) {
            m_usage.data += length;
        }
        if (string_equals(mapping.name, "[heap]") && !m_usage.start_brk)
            m_usage.start_brk = mapping.start;
        if (mapping.executable) {
            m_usage.text += length;
            if (!m_usage.start_code)
                m_usage.start_code = mapping.start;
            m_usage.end_code = mapping.end;
        }
    }

private:
    ProcessUsage& m_usage;
};

} // namespace

ProcessUsage measure_usage(const SystemFacts& facts) {
    ProcessUsage usage;
    UsageCounter counter(usage);
    facts.for_each_mapping(counter);
    return usage;
}

} // namespace kernel::synthetic
