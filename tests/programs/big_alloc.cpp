// A 256 MiB allocation, touched at both ends and on every page (needs --mem 512M).
#include <cstdio>
#include <new>

int main() {
    constexpr size_t size = size_t(256) << 20;
    char* block = new (std::nothrow) char[size];
    if (!block) {
        std::printf("allocation failed\n");
        return 1;
    }
    block[0] = 1;
    block[size - 1] = 2;
    for (size_t i = 4096; i < size - 1; i += 4096)
        block[i] = static_cast<char>(i >> 12);
    unsigned long sum = 0;
    for (size_t i = 0; i < size; i += 4096)
        sum += static_cast<unsigned char>(block[i]);
    sum += static_cast<unsigned char>(block[size - 1]);
    std::printf("allocated %zu MiB: first=%d last=%d pagesum=%lu\n", size >> 20, block[0],
                block[size - 1], sum);
    delete[] block;
    return 0;
}
