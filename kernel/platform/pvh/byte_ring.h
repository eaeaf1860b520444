// A fixed-capacity FIFO of bytes over storage the owner provides (the stdin ring lives in the
// kernel's bss). Not synchronized: a writer in an interrupt handler and a reader elsewhere must
// exclude each other (interrupts off around the reader's calls).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel::pvh {

class ByteRing {
public:
    ByteRing(uint8_t* storage, size_t capacity) : m_storage(storage), m_capacity(capacity) {}

    size_t size() const { return m_size; }
    size_t free_space() const { return m_capacity - m_size; }
    bool is_empty() const { return m_size == 0; }

    // False (and nothing stored) when full.
    bool push(uint8_t byte);
    // Moves out up to `capacity` of the oldest bytes; returns how many.
    size_t pop(uint8_t* buffer, size_t capacity);

private:
    uint8_t* m_storage;
    size_t m_capacity;
    size_t m_head = 0; // oldest byte
    size_t m_size = 0;
};

} // namespace kernel::pvh
