#include "vmm/fault.h"

#include <ingot/fault_classification.h>

namespace ingot {

// The words live in include/ingot/fault_classification.h, shared with the guest kernel.
const char* signal_description(int signal) {
    return fault::signal_description(signal);
}

FaultVerdict classify_fault(const FaultFacts& facts) {
    fault::Facts shared;
    shared.vector_known = facts.vector.has_value();
    shared.vector = facts.vector.value_or(0);
    shared.error_code = facts.error_code;
    shared.cr2 = facts.cr2;
    shared.rsp = facts.rsp;
    shared.emulation_failure = facts.emulation_failure;
    if (facts.instruction) {
        shared.instruction_known = true;
        for (size_t i = 0; i < sizeof shared.instruction; ++i)
            shared.instruction[i] = (*facts.instruction)[i];
    }
    fault::Verdict verdict = fault::classify(shared);
    return {verdict.signal, verdict.description};
}

} // namespace ingot
