// The kernel heap: power-of-two size classes carved from frames, larger blocks as frame runs.
#pragma once

#include <stddef.h>

namespace kernel {

void* kmalloc(size_t size);
void* kzalloc(size_t size);
void kfree(void* pointer);

} // namespace kernel
