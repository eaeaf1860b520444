// Errors as values: a result is either a T or a Linux errno. TRY() propagates the error.
#pragma once

#include "lib/errno.h"
#include "lib/utility.h"

namespace kernel {

class Error {
public:
    constexpr explicit Error(Errno code) : m_code(code) {}
    constexpr Errno code() const { return m_code; }

private:
    Errno m_code;
};

template <typename T> class [[nodiscard]] ErrorOr {
public:
    ErrorOr(T value) : m_has_value(true) { new (&m_storage.value) T(move(value)); }
    ErrorOr(Error error) : m_has_value(false) { m_storage.error = error.code(); }
    ErrorOr(Errno code) : ErrorOr(Error(code)) {}
    ErrorOr(ErrorOr&& other) : m_has_value(other.m_has_value) {
        if (m_has_value)
            new (&m_storage.value) T(move(other.m_storage.value));
        else
            m_storage.error = other.m_storage.error;
    }
    ErrorOr(const ErrorOr&) = delete;
    ErrorOr& operator=(const ErrorOr&) = delete;
    ~ErrorOr() {
        if (m_has_value)
            m_storage.value.~T();
    }

    bool is_error() const { return !m_has_value; }
    Error error() const { return Error(m_storage.error); }
    T& value() { return m_storage.value; }
    const T& value() const { return m_storage.value; }
    T release_value() { return move(m_storage.value); }

private:
    union Storage {
        Storage() {}
        ~Storage() {}
        T value;
        Errno error;
    } m_storage;
    bool m_has_value;
};

template <> class [[nodiscard]] ErrorOr<void> {
public:
    ErrorOr() = default;
    ErrorOr(Error error) : m_error(error.code()) {}
    ErrorOr(Errno code) : m_error(code) {}

    bool is_error() const { return m_error != 0; }
    Error error() const { return Error(static_cast<Errno>(m_error)); }
    void release_value() {}

private:
    int m_error = 0;
};

} // namespace kernel

#define TRY(expression)                                                                            \
    ({                                                                                             \
        auto _result = (expression);                                                               \
        if (_result.is_error())                                                                    \
            return _result.error();                                                                \
        _result.release_value();                                                                   \
    })
