// The bytes in flight in a pipe: a fixed-capacity FIFO over storage its owner provides, moved
// in bulk (a write or read of the program's buffer is one or two copies).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel {

class PipeBuffer {
public:
    PipeBuffer(uint8_t* storage, size_t capacity) : m_storage(storage), m_capacity(capacity) {}

    size_t size() const { return m_size; }
    size_t capacity() const { return m_capacity; }
    size_t free_space() const { return m_capacity - m_size; }
    bool is_empty() const { return m_size == 0; }

    // Appends as much of `data` as fits; returns how much that was.
    size_t write(const void* data, size_t length);
    // Moves out up to `length` of the oldest bytes; returns how many.
    size_t read(void* data, size_t length);

private:
    uint8_t* m_storage;
    size_t m_capacity;
    size_t m_head = 0; // oldest byte
    size_t m_size = 0;
};

} // namespace kernel
