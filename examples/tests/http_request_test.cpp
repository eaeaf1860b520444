// The HTTP example's request parser: what it accepts, and that bad heads are refused, not
// crashed on.
#include "http_request.h"

#include <gtest/gtest.h>
#include <random>
#include <string>

using http::parse_request;
using http::ParseStatus;
using http::Request;

TEST(HttpRequest, ParsesAGetWithHeaders) {
    Request r;
    std::string head = "GET /bytes/10 HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\n\r\nNEXT";
    ASSERT_EQ(parse_request(head, r), ParseStatus::complete);
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.target, "/bytes/10");
    EXPECT_EQ(r.minor_version, 1);
    EXPECT_TRUE(r.keep_alive);
    EXPECT_EQ(r.head_bytes, head.size() - 4);
}

TEST(HttpRequest, WaitsForTheBlankLine) {
    Request r;
    EXPECT_EQ(parse_request("GET / HTTP/1.1\r\nHost: x\r\n", r), ParseStatus::incomplete);
    EXPECT_EQ(parse_request("", r), ParseStatus::incomplete);
}

TEST(HttpRequest, ConnectionHeaderAndVersionDecideKeepAlive) {
    Request r;
    ASSERT_EQ(parse_request("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n", r),
              ParseStatus::complete);
    EXPECT_FALSE(r.keep_alive);
    ASSERT_EQ(parse_request("GET / HTTP/1.0\r\n\r\n", r), ParseStatus::complete);
    EXPECT_FALSE(r.keep_alive);
    ASSERT_EQ(parse_request("GET / HTTP/1.0\r\nconnection: x, keep-alive\r\n\r\n", r),
              ParseStatus::complete);
    EXPECT_TRUE(r.keep_alive);
}

TEST(HttpRequest, ContentLengthIsTheBodyToSkip) {
    Request r;
    ASSERT_EQ(parse_request("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", r),
              ParseStatus::complete);
    EXPECT_EQ(r.body_bytes, 5u);
    EXPECT_EQ(parse_request("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", r),
              ParseStatus::bad);
    EXPECT_EQ(parse_request("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", r), ParseStatus::bad);
    EXPECT_EQ(parse_request("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", r),
              ParseStatus::unsupported);
}

TEST(HttpRequest, RefusesMalformedHeads) {
    Request r;
    for (const char* head : {"NONSENSE\r\n\r\n", "GET /\r\n\r\n", "GET / HTTP/2.0\r\n\r\n",
                             "GET  HTTP/1.1\r\n\r\n", "G(T / HTTP/1.1\r\n\r\n",
                             "GET / HTTP/1.1\r\nno colon\r\n\r\n", "GET / HTTP/1.1\r\n: v\r\n\r\n"})
        EXPECT_EQ(parse_request(head, r), ParseStatus::bad) << head;
}

TEST(HttpRequest, RefusesAHeadLongerThanTheLimit) {
    Request r;
    std::string head = "GET / HTTP/1.1\r\nX: " + std::string(http::max_head_bytes, 'a');
    EXPECT_EQ(parse_request(head, r), ParseStatus::bad);
}

TEST(HttpRequest, RandomBytesNeverCrash) {
    std::mt19937 random(4);
    Request r;
    for (int i = 0; i < 20000; ++i) {
        std::string input(random() % 200, '\0');
        for (char& c : input)
            c = "GET /HTTP1.\r\n: aCo"[random() % 19];
        ParseStatus status = parse_request(input, r);
        if (status == ParseStatus::complete)
            EXPECT_LE(r.head_bytes, input.size());
    }
}
