#include "net/unix/unix_message.h"

#include "fs/file.h"
#include "lib/utility.h"

namespace kernel::net::unix_domain {

FileRights& FileRights::operator=(FileRights&& other) {
    if (this != &other) {
        clear();
        m_files = other.m_files;
        m_count = other.m_count;
        m_capacity = other.m_capacity;
        other.m_files = nullptr;
        other.m_count = other.m_capacity = 0;
    }
    return *this;
}

ErrorOr<FileRights> FileRights::with_capacity(size_t count) {
    FileRights rights;
    if (count == 0)
        return rights;
    rights.m_files = new File*[count];
    if (!rights.m_files)
        return ENOMEM;
    for (size_t i = 0; i < count; ++i)
        rights.m_files[i] = nullptr;
    rights.m_capacity = count;
    return rights;
}

void FileRights::add(File& file) {
    file.retain();
    m_files[m_count++] = &file;
}

ErrorOr<FileRights> FileRights::duplicate() const {
    FileRights copy = TRY(with_capacity(m_count));
    for (size_t i = 0; i < m_count; ++i)
        if (m_files[i])
            copy.add(*m_files[i]);
    return copy;
}

File* FileRights::take(size_t index) {
    File* file = m_files[index];
    m_files[index] = nullptr;
    return file;
}

void FileRights::clear() {
    for (size_t i = 0; i < m_count; ++i)
        if (File* file = m_files[i])
            file->release();
    delete[] m_files;
    m_files = nullptr;
    m_count = m_capacity = 0;
}

Message* Message::create(size_t length) {
    auto* message = new Message;
    if (!message)
        return nullptr;
    if (length) {
        message->data = new uint8_t[length];
        if (!message->data) {
            delete message;
            return nullptr;
        }
    }
    message->length = length;
    return message;
}

void MessageQueue::append(Message& message) {
    m_messages.append(message);
    ++m_count;
    m_unread += message.unread();
}

void MessageQueue::remove(Message& message) {
    IntrusiveList<Message, &Message::node>::remove(message);
    --m_count;
    m_unread -= message.unread();
}

void MessageQueue::consume(Message& message, size_t bytes) {
    message.consumed += bytes;
    m_unread -= bytes;
}

} // namespace kernel::net::unix_domain
