// Every pointer the program passes is checked against its regions before the kernel touches
// it: with no page faults to recover from, a bad pointer must become EFAULT, not a crash.
#pragma once

#include "lib/error_or.h"
#include "mm/address_space.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {

void set_user_address_space(AddressSpace& space);
AddressSpace& user_address_space();

ErrorOr<void> copy_from_user(void* destination, uint64_t source, size_t length);
ErrorOr<void> copy_to_user(uint64_t destination, const void* source, size_t length);
// Copies a NUL-terminated string; ENAMETOOLONG when it does not fit `capacity` with its NUL.
ErrorOr<size_t> copy_string_from_user(char* destination, size_t capacity, uint64_t source);

// The program's bytes [address, address + length) as a kernel pointer, once checked against its
// regions for `access` (EFAULT otherwise): for copying straight between the program and a
// kernel buffer, once.
ErrorOr<void*> user_range(uint64_t address, size_t length, Access access);

template <typename T> ErrorOr<T> read_user(uint64_t address) {
    T value;
    TRY(copy_from_user(&value, address, sizeof(T)));
    return value;
}

template <typename T> ErrorOr<void> write_user(uint64_t address, const T& value) {
    return copy_to_user(address, &value, sizeof(T));
}

} // namespace kernel
