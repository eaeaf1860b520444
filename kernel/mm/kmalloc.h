// The kernel heap: size classes carved from frames, larger blocks as frame runs.
#pragma once

#include <stddef.h>

namespace kernel {

// Block sizes, the 16-byte header included: powers of two, and between them, as Linux's
// kmalloc-96 and kmalloc-192, classes that pack a page without waste for objects just above a
// power of two (816 and 1360 bytes: five and three to a page; a TCP connection takes 1360).
inline constexpr size_t kmalloc_classes[] = {32, 64, 96, 128, 192, 256, 512, 816, 1024, 1360, 2048};

void* kmalloc(size_t size);
void* kzalloc(size_t size);
void kfree(void* pointer);

} // namespace kernel
