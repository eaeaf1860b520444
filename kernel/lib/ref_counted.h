// Shared ownership for kernel objects (inodes, file systems): an intrusive count and a smart
// pointer over it. The kernel touches counts only in kernel context, one CPU at a time, so
// plain integers do.
#pragma once

#include "lib/utility.h"

#include <stdint.h>

namespace kernel {

// Starts with one reference, owned by whoever created it (adopt() takes it over).
template <typename T> class RefCounted {
public:
    RefCounted() = default;
    RefCounted(const RefCounted&) = delete;
    RefCounted& operator=(const RefCounted&) = delete;

    void ref() const { ++m_references; }
    void unref() const {
        if (--m_references == 0)
            delete static_cast<const T*>(this);
    }
    uint32_t reference_count() const { return m_references; }

protected:
    ~RefCounted() = default;

private:
    mutable uint32_t m_references = 1;
};

template <typename T> class RefPtr {
public:
    RefPtr() = default;
    RefPtr(decltype(nullptr)) {}
    // Takes one more reference.
    RefPtr(T* object) : m_object(object) {
        if (m_object)
            m_object->ref();
    }
    RefPtr(T& object) : RefPtr(&object) {}
    RefPtr(const RefPtr& other) : RefPtr(other.m_object) {}
    RefPtr(RefPtr&& other) : m_object(other.leak()) {}
    template <typename U> RefPtr(const RefPtr<U>& other) : RefPtr(other.get()) {}
    template <typename U> RefPtr(RefPtr<U>&& other) : m_object(other.leak()) {}
    ~RefPtr() { clear(); }

    RefPtr& operator=(const RefPtr& other) {
        RefPtr copy(other);
        swap(copy);
        return *this;
    }
    RefPtr& operator=(RefPtr&& other) {
        RefPtr taken(move(other));
        swap(taken);
        return *this;
    }

    // Takes over the reference the caller holds (a freshly created object's first one).
    static RefPtr adopt(T* object) {
        RefPtr pointer;
        pointer.m_object = object;
        return pointer;
    }

    T* get() const { return m_object; }
    T& operator*() const { return *m_object; }
    T* operator->() const { return m_object; }
    explicit operator bool() const { return m_object != nullptr; }
    bool operator==(const RefPtr& other) const { return m_object == other.m_object; }

    void clear() {
        if (m_object)
            m_object->unref();
        m_object = nullptr;
    }
    T* leak() {
        T* object = m_object;
        m_object = nullptr;
        return object;
    }
    // Exchanges the two objects; no count changes.
    void swap(RefPtr& other) {
        T* object = m_object;
        m_object = other.m_object;
        other.m_object = object;
    }

private:
    T* m_object = nullptr;
};

// new T(...) adopted: null when the kernel heap is exhausted.
template <typename T, typename... Arguments> RefPtr<T> make_ref(Arguments&&... arguments) {
    return RefPtr<T>::adopt(new T(static_cast<Arguments&&>(arguments)...));
}

} // namespace kernel
