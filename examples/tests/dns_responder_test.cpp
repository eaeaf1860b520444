// The DNS example's responder: answers from the zone, with compression, and malformed queries
// refused or ignored without a crash.
#include "responder.h"

#include <gtest/gtest.h>
#include <random>
#include <string>
#include <vector>

namespace {

std::vector<std::uint8_t> query(const std::string& name, std::uint16_t type,
                                std::uint8_t flags_high = 0x01) {
    std::vector<std::uint8_t> q = {0xab, 0xcd, flags_high, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
    std::size_t start = 0;
    while (start < name.size()) {
        std::size_t dot = name.find('.', start);
        if (dot == std::string::npos)
            dot = name.size();
        q.push_back(static_cast<std::uint8_t>(dot - start));
        q.insert(q.end(), name.begin() + static_cast<long>(start),
                 name.begin() + static_cast<long>(dot));
        start = dot + 1;
    }
    q.push_back(0);
    q.insert(q.end(),
             {static_cast<std::uint8_t>(type >> 8), static_cast<std::uint8_t>(type), 0, 1});
    return q;
}

int u16(const std::vector<std::uint8_t>& m, std::size_t at) {
    return m[at] << 8 | m[at + 1];
}
int rcode(const std::vector<std::uint8_t>& m) {
    return m[3] & 0x0f;
}

} // namespace

TEST(DnsResponder, AnswersAnARecordWithAPointerToTheQuestion) {
    auto q = query("Example.TEST", dns::type_a);
    auto r = dns::respond(q, dns::example_zone());
    ASSERT_TRUE(r);
    EXPECT_EQ(u16(*r, 0), 0xabcd);
    EXPECT_EQ((*r)[2] & 0x80, 0x80); // QR
    EXPECT_EQ((*r)[2] & 0x04, 0x04); // AA
    EXPECT_EQ((*r)[2] & 0x01, 0x01); // RD copied
    EXPECT_EQ(rcode(*r), dns::rcode_noerror);
    EXPECT_EQ(u16(*r, 6), 1);
    // The question, as asked, then the answer: a pointer to offset 12, A, IN, TTL, 4, address.
    ASSERT_EQ(r->size(), q.size() + 16);
    EXPECT_TRUE(std::equal(q.begin() + 12, q.end(), r->begin() + 12));
    std::size_t at = q.size();
    EXPECT_EQ(u16(*r, at), 0xc00c);
    EXPECT_EQ(u16(*r, at + 2), dns::type_a);
    EXPECT_EQ(u16(*r, at + 10), 4);
    EXPECT_EQ(std::vector<std::uint8_t>(r->begin() + static_cast<long>(at) + 12, r->end()),
              (std::vector<std::uint8_t>{10, 0, 2, 15}));
}

TEST(DnsResponder, FollowsCnamesInTheZone) {
    auto r = dns::respond(query("alias.example.test", dns::type_a), dns::example_zone());
    ASSERT_TRUE(r);
    EXPECT_EQ(rcode(*r), dns::rcode_noerror);
    EXPECT_EQ(u16(*r, 6), 3); // alias -> www -> example.test A
}

TEST(DnsResponder, NegativeAnswersCarryTheSoa) {
    auto r = dns::respond(query("nothing.example.test", dns::type_a), dns::example_zone());
    ASSERT_TRUE(r);
    EXPECT_EQ(rcode(*r), dns::rcode_nxdomain);
    EXPECT_EQ(u16(*r, 6), 0);
    EXPECT_EQ(u16(*r, 8), 1);
    r = dns::respond(query("deep.example.test", dns::type_a), dns::example_zone());
    ASSERT_TRUE(r);
    EXPECT_EQ(rcode(*r), dns::rcode_noerror); // an empty non-terminal exists
    EXPECT_EQ(u16(*r, 8), 1);
}

TEST(DnsResponder, RefusesOtherZonesAndOpcodes) {
    auto r = dns::respond(query("example.com", dns::type_a), dns::example_zone());
    ASSERT_TRUE(r);
    EXPECT_EQ(rcode(*r), dns::rcode_refused);
    r = dns::respond(query("example.test", dns::type_a, 0x11), dns::example_zone()); // STATUS
    ASSERT_TRUE(r);
    EXPECT_EQ(rcode(*r), dns::rcode_notimp);
}

TEST(DnsResponder, IgnoresResponsesAndRunts) {
    EXPECT_FALSE(dns::respond(query("example.test", dns::type_a, 0x81), dns::example_zone()));
    std::vector<std::uint8_t> runt = {1, 2, 3};
    EXPECT_FALSE(dns::respond(runt, dns::example_zone()));
}

TEST(DnsResponder, TruncatedOrPointerQuestionsAreFormErr) {
    auto q = query("example.test", dns::type_a);
    q.resize(q.size() - 3);
    auto r = dns::respond(q, dns::example_zone());
    ASSERT_TRUE(r);
    EXPECT_EQ(rcode(*r), dns::rcode_formerr);
    std::vector<std::uint8_t> pointer = {0, 1, 1, 0,    0,    1, 0, 0, 0,
                                         0, 0, 0, 0xc0, 0x0c, 0, 1, 0, 1};
    r = dns::respond(pointer, dns::example_zone());
    ASSERT_TRUE(r);
    EXPECT_EQ(rcode(*r), dns::rcode_formerr);
}

TEST(DnsResponder, RandomMutationsNeverCrash) {
    std::mt19937 random(7);
    auto base = query("www.example.test", dns::type_a);
    for (int i = 0; i < 20000; ++i) {
        auto q = base;
        for (int flips = 1 + static_cast<int>(random() % 4); flips > 0; --flips)
            q[random() % q.size()] = static_cast<std::uint8_t>(random());
        std::size_t size = random() % (q.size() + 8); // cut short, or grown with junk
        while (q.size() < size)
            q.push_back(static_cast<std::uint8_t>(random()));
        q.erase(q.begin() + static_cast<long>(size), q.end());
        auto r = dns::respond(q, dns::example_zone());
        if (r)
            EXPECT_GE(r->size(), 12u);
    }
}
