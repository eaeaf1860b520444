#include "fs/empty_file_system.h"

namespace kernel {

namespace {

constexpr uint64_t root_inode = 1;

class EmptyDirectory final : public vfs::Inode {
public:
    explicit EmptyDirectory(vfs::FileSystem& file_system) : m_file_system(file_system) {}

    vfs::FileSystem& file_system() override { return m_file_system; }
    vfs::NodeType type() const override { return vfs::NodeType::Directory; }
    ErrorOr<void> attributes(vfs::Attributes& attributes) override {
        attributes = {};
        attributes.inode = root_inode;
        attributes.mode = static_cast<uint32_t>(vfs::NodeType::Directory) | 0755;
        attributes.link_count = 2;
        return {};
    }
    ErrorOr<void> read_directory(uint64_t& cookie, vfs::DirectoryVisitor& visitor) override {
        static const char* const names[] = {".", ".."};
        for (; cookie < 2; ++cookie)
            if (!visitor.visit(
                    {StringView(names[cookie]), root_inode, vfs::NodeType::Directory, cookie + 1}))
                return {};
        return {};
    }

private:
    vfs::FileSystem& m_file_system;
};

} // namespace

// The root refers back to its file system without a count: the two live and go together.
RefPtr<EmptyFileSystem> EmptyFileSystem::create() {
    auto file_system = make_ref<EmptyFileSystem>();
    if (!file_system)
        return nullptr;
    file_system->m_root = make_ref<EmptyDirectory>(*file_system);
    if (!file_system->m_root)
        return nullptr;
    return file_system;
}

} // namespace kernel
