#include "drivers/pc/cmos_clock.h"

#include "arch/x86_64/port_io.h"

namespace kernel::pc {

namespace {

constexpr uint16_t cmos_index = 0x70, cmos_data = 0x71;
constexpr uint8_t status_a = 0x0a, status_b = 0x0b;

uint8_t read_register(uint8_t index) {
    port_io::outb(cmos_index, index);
    return port_io::inb(cmos_data);
}

struct Reading {
    uint8_t second, minute, hour, day, month, year, century;
    bool operator==(const Reading&) const = default;
};

Reading read_once() {
    return {read_register(0x00), read_register(0x02), read_register(0x04), read_register(0x07),
            read_register(0x08), read_register(0x09), read_register(0x32)};
}

uint8_t from_bcd(uint8_t value) {
    return static_cast<uint8_t>((value & 0x0f) + (value >> 4) * 10);
}

} // namespace

int64_t days_since_epoch(int64_t year, unsigned month, unsigned day) {
    // Howard Hinnant's days_from_civil.
    year -= month <= 2;
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    auto year_of_era = static_cast<unsigned>(year - era * 400);
    unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

uint64_t read_cmos_realtime_ns() {
    if (read_register(status_b) == 0xff)
        return 0; // nothing answers on the port
    // Read until two readings agree and no update was in progress in between.
    Reading reading{};
    for (int attempt = 0; attempt < 100000; ++attempt) {
        if (read_register(status_a) & 0x80)
            continue; // an update is in progress: it takes under 2 ms
        reading = read_once();
        if (reading == read_once())
            break;
    }
    uint8_t format = read_register(status_b);
    bool bcd = !(format & 0x04), twelve_hour = !(format & 0x02);
    bool pm = reading.hour & 0x80;
    reading.hour &= 0x7f;
    if (bcd) {
        uint8_t* fields[] = {&reading.second, &reading.minute, &reading.hour,   &reading.day,
                             &reading.month,  &reading.year,   &reading.century};
        for (uint8_t* field : fields)
            *field = from_bcd(*field);
    }
    if (twelve_hour)
        reading.hour = static_cast<uint8_t>(reading.hour % 12 + (pm ? 12 : 0));
    int64_t year = (reading.century >= 19 && reading.century <= 30 ? reading.century : 20) * 100 +
                   reading.year;
    if (reading.month < 1 || reading.month > 12 || reading.day < 1 || reading.day > 31)
        return 0;
    int64_t seconds = days_since_epoch(year, reading.month, reading.day) * 86400 +
                      reading.hour * 3600 + reading.minute * 60 + reading.second;
    return seconds > 0 ? static_cast<uint64_t>(seconds) * 1000000000ull : 0;
}

} // namespace kernel::pc
