#include "responder.h"

#include "message_writer.h"

#include <algorithm>
#include <string>

namespace dns {
namespace {

constexpr std::size_t header_bytes = 12;
constexpr std::size_t max_name_bytes = 255;
constexpr std::uint16_t class_in = 1;
constexpr std::uint16_t class_any = 255;
constexpr std::uint16_t our_udp_payload = 1232; // what we advertise with EDNS(0)
constexpr std::size_t max_cname_chain = 8;

std::uint16_t read_u16(std::span<const std::uint8_t> m, std::size_t at) {
    return static_cast<std::uint16_t>(m[at] << 8 | m[at + 1]);
}

struct Question {
    std::string name;        // lower case, dotted, no final dot
    bool name_usable = true; // false when a label holds a dot: it cannot name anything we own
    std::size_t end = 0;     // offset just past QTYPE and QCLASS
    std::uint16_t type = 0;
    std::uint16_t klass = 0;
};

// The question's name must be written out in full: a pointer there is refused as malformed.
bool parse_question(std::span<const std::uint8_t> m, Question& q) {
    std::size_t at = header_bytes;
    std::size_t name_bytes = 0;
    for (;;) {
        if (at >= m.size())
            return false;
        std::uint8_t length = m[at++];
        ++name_bytes;
        if (length == 0)
            break;
        if (length > 63 || at + length > m.size())
            return false;
        name_bytes += length;
        if (name_bytes > max_name_bytes)
            return false;
        if (!q.name.empty())
            q.name += '.';
        for (std::size_t i = 0; i < length; ++i) {
            char c = static_cast<char>(m[at + i]);
            if (c == '.')
                q.name_usable = false;
            q.name += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        }
        at += length;
    }
    if (at + 4 > m.size())
        return false;
    q.type = read_u16(m, at);
    q.klass = read_u16(m, at + 2);
    q.end = at + 4;
    return true;
}

// Skips a name anywhere in the message (pointers allowed); false when it runs off the end.
bool skip_name(std::span<const std::uint8_t> m, std::size_t& at) {
    for (;;) {
        if (at >= m.size())
            return false;
        std::uint8_t length = m[at];
        if ((length & 0xc0) == 0xc0) {
            at += 2;
            return at <= m.size();
        }
        if (length > 63)
            return false;
        at += 1 + length;
        if (length == 0)
            return at <= m.size();
    }
}

struct Edns {
    bool present = false;
    std::uint16_t udp_payload = 512;
    std::uint8_t version = 0;
};

// Looks for an OPT record among the additional records; false when they are malformed.
bool parse_additional(std::span<const std::uint8_t> m, std::size_t at, std::uint16_t count,
                      Edns& edns) {
    for (std::uint16_t i = 0; i < count; ++i) {
        std::size_t name_at = at;
        if (!skip_name(m, at) || at + 10 > m.size())
            return false;
        std::uint16_t type = read_u16(m, at);
        std::uint16_t rdlength = read_u16(m, at + 8);
        if (type == type_opt) {
            if (edns.present || m[name_at] != 0) // one OPT, owned by the root
                return false;
            edns.present = true;
            edns.udp_payload = std::max<std::uint16_t>(512, read_u16(m, at + 2));
            edns.version = m[at + 5];
        }
        at += 10 + rdlength;
        if (at > m.size())
            return false;
    }
    return true;
}

class Answer {
public:
    Answer(std::span<const std::uint8_t> query, const Question* question) {
        // The header: ID, opcode and RD copied; QR set. Counts are filled in later.
        out_.raw(query.data(), 4);
        out_.put_u16_at(2, static_cast<std::uint16_t>((read_u16(query, 2) & 0x7900) | 0x8000));
        for (int i = 0; i < 4; ++i)
            out_.u16(0);
        if (question) {
            // The question as it was asked, with the case the client used (RFC 4343).
            out_.raw(query.data() + header_bytes, question->end - header_bytes);
            out_.put_u16_at(4, 1);
            if (question->name_usable)
                out_.remember_name(question->name, header_bytes);
        }
    }

    void set_rcode(std::uint8_t rcode) { set_flags(0x000f, rcode & 0x0f); }
    void set_authoritative() { set_flags(0x0400, 0x0400); }

    void record(const Record& r, int section) {
        out_.name(r.owner);
        out_.u16(r.type);
        out_.u16(class_in);
        out_.u32(r.ttl);
        std::size_t length_at = out_.size();
        out_.u16(0);
        switch (r.type) {
        case type_a:
            out_.raw(r.address.data(), r.address.size());
            break;
        case type_ns:
        case type_cname:
            out_.name(r.target);
            break;
        case type_txt:
            for (const std::string& text : r.texts) {
                out_.u8(static_cast<std::uint8_t>(text.size()));
                out_.raw(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
            }
            break;
        case type_soa:
            out_.name(r.soa.primary);
            out_.name(r.soa.mailbox);
            out_.u32(r.soa.serial);
            out_.u32(r.soa.refresh);
            out_.u32(r.soa.retry);
            out_.u32(r.soa.expire);
            out_.u32(r.soa.minimum);
            break;
        default:
            break;
        }
        out_.put_u16_at(length_at, static_cast<std::uint16_t>(out_.size() - length_at - 2));
        bump_count(section);
    }

    void opt(std::uint8_t extended_rcode) {
        out_.u8(0); // the root
        out_.u16(type_opt);
        out_.u16(our_udp_payload);
        out_.u8(extended_rcode);
        out_.u8(0); // version 0
        out_.u16(0);
        out_.u16(0);
        bump_count(3);
    }

    // Drops every record section past `size` bytes and sets TC (RFC 2181 9).
    void truncate_to_question(std::size_t question_end) {
        out_.truncate(question_end);
        out_.forget_names_from(question_end);
        for (int section = 1; section <= 3; ++section)
            out_.put_u16_at(4 + 2 * section, 0);
        set_flags(0x0200, 0x0200);
    }

    std::size_t size() const { return out_.size(); }
    std::vector<std::uint8_t> take() { return out_.bytes(); }

private:
    void set_flags(std::uint16_t mask, std::uint16_t value) {
        std::uint16_t flags = static_cast<std::uint16_t>(out_.bytes()[2] << 8 | out_.bytes()[3]);
        out_.put_u16_at(2, static_cast<std::uint16_t>((flags & ~mask) | value));
    }
    void bump_count(int section) {
        std::size_t at = 4 + 2 * static_cast<std::size_t>(section);
        out_.put_u16_at(
            at, static_cast<std::uint16_t>(out_.bytes()[at] << 8 | out_.bytes()[at + 1]) + 1);
    }

    MessageWriter out_;
};

std::vector<std::uint8_t> error_answer(std::span<const std::uint8_t> query,
                                       const Question* question, std::uint8_t rcode) {
    Answer answer(query, question);
    answer.set_rcode(rcode);
    return answer.take();
}

} // namespace

std::optional<std::vector<std::uint8_t>> respond(std::span<const std::uint8_t> query,
                                                 const Zone& zone) {
    if (query.size() < header_bytes || (query[2] & 0x80))
        return std::nullopt;
    std::uint8_t opcode = (query[2] >> 3) & 0x0f;
    std::uint16_t qdcount = read_u16(query, 4);
    Question question;
    bool have_question = qdcount == 1 && parse_question(query, question);
    if (opcode != 0)
        return error_answer(query, have_question ? &question : nullptr, rcode_notimp);
    if (!have_question || read_u16(query, 6) != 0 || read_u16(query, 8) != 0)
        return error_answer(query, nullptr, rcode_formerr);
    Edns edns;
    if (!parse_additional(query, question.end, read_u16(query, 10), edns))
        return error_answer(query, &question, rcode_formerr);

    Answer answer(query, &question);
    std::size_t limit =
        edns.present ? std::min<std::size_t>(edns.udp_payload, our_udp_payload) : 512;
    if (edns.present && edns.version != 0) {
        answer.opt(1); // BADVERS: extended RCODE 16 = (1 << 4) | 0
        return answer.take();
    }
    if (question.klass != class_in && question.klass != class_any) {
        answer.set_rcode(rcode_refused);
    } else if (question.type == type_axfr || question.type == type_ixfr) {
        answer.set_rcode(rcode_notimp); // zone transfers are not offered, least of all over UDP
    } else if (!question.name_usable || !zone.contains(question.name)) {
        answer.set_rcode(rcode_refused); // not authoritative for it, and no recursion
    } else {
        answer.set_authoritative();
        std::string name = question.name;
        bool answered = false;
        for (std::size_t hop = 0; hop <= max_cname_chain && zone.contains(name); ++hop) {
            const Record* cname = nullptr;
            for (const Record& r : zone.records) {
                if (r.owner != name)
                    continue;
                if (r.type == question.type || question.type == type_any) {
                    answer.record(r, 1);
                    answered = true;
                } else if (r.type == type_cname) {
                    cname = &r;
                }
            }
            if (answered || !cname)
                break;
            // Follow the alias while it stays in the zone (RFC 1034 4.3.2); outside it, the
            // client resolves the rest.
            answer.record(*cname, 1);
            name = cname->target;
            if (!zone.contains(name)) {
                answered = true;
                break;
            }
        }
        if (!answered) {
            if (!zone.name_exists(name))
                answer.set_rcode(rcode_nxdomain);
            answer.record(zone.soa(), 2); // for negative caching (RFC 2308)
        }
    }
    if (edns.present)
        answer.opt(0);
    if (answer.size() > limit) {
        answer.truncate_to_question(question.end);
        if (edns.present)
            answer.opt(0);
    }
    return answer.take();
}

} // namespace dns
