// A doubly linked list threaded through its elements, so queuing never allocates.
#pragma once

namespace kernel {

struct ListNode {
    ListNode* previous = nullptr;
    ListNode* next = nullptr;
    void* owner = nullptr;
    bool is_linked() const { return next != nullptr; }
};

template <typename T, ListNode T::*Node> class IntrusiveList {
public:
    // constexpr so that global lists are ready before any constructor runs.
    constexpr IntrusiveList() : m_head{&m_head, &m_head, nullptr} {}
    IntrusiveList(const IntrusiveList&) = delete;
    IntrusiveList& operator=(const IntrusiveList&) = delete;

    bool is_empty() const { return m_head.next == &m_head; }

    void append(T& element) { insert_before(m_head, element); }

    void insert_before(ListNode& position, T& element) {
        ListNode& node = element.*Node;
        node.owner = &element;
        node.next = &position;
        node.previous = position.previous;
        position.previous->next = &node;
        position.previous = &node;
    }

    static void remove(T& element) {
        ListNode& node = element.*Node;
        if (!node.is_linked())
            return;
        node.previous->next = node.next;
        node.next->previous = node.previous;
        node.next = node.previous = nullptr;
    }

    T* first() { return is_empty() ? nullptr : owner(m_head.next); }

    T* take_first() {
        T* element = first();
        if (element)
            remove(*element);
        return element;
    }

    class Iterator {
    public:
        explicit Iterator(ListNode* node) : m_node(node), m_next(node->next) {}
        T& operator*() const { return *owner(m_node); }
        // Safe against removal of the current element.
        Iterator& operator++() {
            m_node = m_next;
            m_next = m_node->next;
            return *this;
        }
        bool operator!=(const Iterator& other) const { return m_node != other.m_node; }

    private:
        ListNode* m_node;
        ListNode* m_next;
    };
    Iterator begin() { return Iterator(m_head.next); }
    Iterator end() { return Iterator(&m_head); }

    static T* owner(ListNode* node) { return static_cast<T*>(node->owner); }

private:
    ListNode m_head;
};

} // namespace kernel
