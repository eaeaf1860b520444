#include "kernel/kernel_test_support.h"

#include "fs/epoll_file.h"

namespace {

using kernel::EpollEvent;
using kernel::EpollFile;
using kernel::File;
using kernel::FileKind;
using kernel::LinuxStat;
using kernel::Readiness;
namespace poll_event = kernel::poll_event;
namespace epoll_flag = kernel::epoll_flag;

constexpr uint32_t in = poll_event::in;
constexpr uint32_t out = poll_event::out;

// A file whose events the test sets; it notifies its observers as a pipe or socket does.
class FakeFile final : public File {
public:
    explicit FakeFile(bool notifies = true) : m_notifies(notifies) {}
    void set(uint32_t events) {
        m_events = events;
        m_readiness.notify(events);
    }
    FileKind kind() const override { return FileKind::Pipe; }
    uint32_t access_mode() const override { return kernel::o_rdwr; }
    uint32_t poll_events() override { return m_events; }
    Readiness* readiness() override { return m_notifies ? &m_readiness : nullptr; }
    kernel::ErrorOr<size_t> read(uint64_t, size_t) override { return kernel::EINVAL; }
    kernel::ErrorOr<size_t> write(uint64_t, size_t) override { return kernel::EINVAL; }
    kernel::ErrorOr<void> stat(LinuxStat&) override { return kernel::EINVAL; }
    kernel::ErrorOr<long> ioctl(uint32_t, uint64_t) override { return kernel::ENOTTY; }
    size_t describe(char*, size_t) override { return 0; }

private:
    bool m_notifies;
    uint32_t m_events = 0;
    Readiness m_readiness;
};

// Files are reference counted and delete themselves: the tests hold them through release().
struct Released {
    void operator()(File* file) const { file->release(); }
};
template <typename T> using Held = std::unique_ptr<T, Released>;

std::vector<EpollEvent> collect(EpollFile& epoll, size_t capacity = 16) {
    std::vector<EpollEvent> events(capacity);
    events.resize(epoll.collect(events.data(), capacity));
    return events;
}

TEST(EpollFile, LevelTriggeredReportsWhileTheConditionHolds) {
    Held<EpollFile> epoll(new EpollFile);
    Held<FakeFile> file(new FakeFile);
    ASSERT_OK(epoll->add(*file, 3, {in, 42}));
    EXPECT_TRUE(collect(*epoll).empty());
    file->set(in);
    for (int i = 0; i < 3; ++i) {
        auto events = collect(*epoll);
        ASSERT_EQ(events.size(), 1u);
        EXPECT_EQ(events[0].events, in);
        EXPECT_EQ(events[0].data, 42u);
    }
    file->set(0);
    EXPECT_TRUE(collect(*epoll).empty());
    EXPECT_EQ(epoll->poll_events(), 0u);
}

TEST(EpollFile, EdgeTriggeredReportsOncePerNotification) {
    Held<EpollFile> epoll(new EpollFile);
    Held<FakeFile> file(new FakeFile);
    ASSERT_OK(epoll->add(*file, 3, {in | epoll_flag::edge_triggered, 1}));
    file->set(in);
    EXPECT_EQ(collect(*epoll).size(), 1u);
    EXPECT_TRUE(collect(*epoll).empty());
    file->set(in); // more data: a new edge
    EXPECT_EQ(collect(*epoll).size(), 1u);
    EXPECT_TRUE(collect(*epoll).empty());
}

TEST(EpollFile, OneShotWaitsForModify) {
    Held<EpollFile> epoll(new EpollFile);
    Held<FakeFile> file(new FakeFile);
    ASSERT_OK(epoll->add(*file, 3, {in | epoll_flag::one_shot, 1}));
    file->set(in);
    EXPECT_EQ(collect(*epoll).size(), 1u);
    file->set(in);
    EXPECT_TRUE(collect(*epoll).empty());
    ASSERT_OK(epoll->modify(*file, 3, {in | epoll_flag::one_shot, 2}));
    auto events = collect(*epoll);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].data, 2u);
}

TEST(EpollFile, ReportsOnlyWhatWasAskedPlusErrorAndHangUp) {
    Held<EpollFile> epoll(new EpollFile);
    Held<FakeFile> file(new FakeFile);
    ASSERT_OK(epoll->add(*file, 3, {out, 1}));
    file->set(in);
    EXPECT_TRUE(collect(*epoll).empty());
    file->set(in | poll_event::hang_up);
    auto events = collect(*epoll);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].events, poll_event::hang_up);
}

TEST(EpollFile, CapacityLimitsAndLevelTriggeredEntriesTakeTurns) {
    Held<EpollFile> epoll(new EpollFile);
    std::vector<Held<FakeFile>> files;
    for (uint64_t i = 0; i < 3; ++i) {
        files.emplace_back(new FakeFile);
        ASSERT_OK(epoll->add(*files.back(), static_cast<int>(i), {in, i}));
        files.back()->set(in);
    }
    auto first = collect(*epoll, 2);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_EQ(first[0].data, 0u);
    EXPECT_EQ(first[1].data, 1u);
    auto second = collect(*epoll, 2);
    ASSERT_EQ(second.size(), 2u);
    EXPECT_EQ(second[0].data, 2u); // the one left waiting goes first
}

TEST(EpollFile, FileWithoutNotificationsIsLookedAtWhenAdded) {
    Held<EpollFile> epoll(new EpollFile);
    Held<FakeFile> console(new FakeFile(false));
    console->set(out);
    ASSERT_OK(epoll->add(*console, 1, {out, 1}));
    EXPECT_EQ(collect(*epoll).size(), 1u);
    EXPECT_EQ(collect(*epoll).size(), 1u);
}

TEST(EpollFile, RegistrationErrors) {
    Held<EpollFile> epoll(new EpollFile);
    Held<FakeFile> file(new FakeFile);
    ASSERT_OK(epoll->add(*file, 3, {in, 1}));
    EXPECT_ERRNO(epoll->add(*file, 3, {in, 1}), EEXIST);
    ASSERT_OK(epoll->add(*file, 4, {in, 1})); // a duplicate descriptor is its own registration
    EXPECT_ERRNO(epoll->modify(*file, 5, {in, 1}), ENOENT);
    EXPECT_ERRNO(epoll->remove(*file, 5), ENOENT);
    EXPECT_ERRNO(epoll->modify(*file, 3, {in | epoll_flag::exclusive, 1}), EINVAL);
    EXPECT_ERRNO(epoll->add(*epoll, 9, {in, 1}), EINVAL);
    ASSERT_OK(epoll->remove(*file, 3));
    EXPECT_EQ(epoll->registrations(), 1u);
}

TEST(EpollFile, TwoEpollsWatchOneFileApart) {
    Held<EpollFile> first(new EpollFile);
    Held<EpollFile> second(new EpollFile);
    Held<FakeFile> file(new FakeFile);
    ASSERT_OK(first->add(*file, 3, {in, 1}));
    ASSERT_OK(second->add(*file, 3, {in, 2}));
    ASSERT_OK(first->remove(*file, 3));
    EXPECT_ERRNO(first->remove(*file, 3), ENOENT);
    file->set(in);
    EXPECT_TRUE(collect(*first).empty());
    auto events = collect(*second);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].data, 2u);
}

TEST(EpollFile, NestingCannotFormACycle) {
    Held<EpollFile> outer(new EpollFile);
    Held<EpollFile> inner(new EpollFile);
    Held<FakeFile> file(new FakeFile);
    ASSERT_OK(inner->add(*file, 3, {in, 1}));
    ASSERT_OK(outer->add(*inner, 4, {in, 7}));
    EXPECT_ERRNO(inner->add(*outer, 5, {in, 1}), EINVAL);
    file->set(in);
    auto events = collect(*outer);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].data, 7u);
}

TEST(EpollFile, LastReferenceEndsTheRegistration) {
    Held<EpollFile> epoll(new EpollFile);
    auto* file = new FakeFile;
    ASSERT_OK(epoll->add(*file, 3, {in, 1}));
    file->set(in);
    file->retain(); // a duplicated descriptor keeps it
    file->release();
    EXPECT_EQ(epoll->registrations(), 1u);
    file->release(); // the last one: the file is destroyed
    EXPECT_EQ(epoll->registrations(), 0u);
    EXPECT_TRUE(collect(*epoll).empty());
    EXPECT_EQ(epoll->poll_events(), 0u);
}

TEST(EpollFile, ClosingTheEpollLetsGoOfItsFiles) {
    Held<FakeFile> file(new FakeFile);
    auto* epoll = new EpollFile;
    ASSERT_OK(epoll->add(*file, 3, {in, 1}));
    epoll->release();
    file->set(in); // no observer left behind to call into freed memory
    EXPECT_EQ(file->poll_events(), in);
}

// A thread blocked in epoll_wait: an observer of the epoll's readiness that counts wake-ups.
struct Waiter {
    explicit Waiter(EpollFile& epoll) {
        observer.notify = [](kernel::ReadinessObserver& self, uint32_t) {
            ++*static_cast<int*>(self.context);
        };
        observer.context = &wakeups;
        epoll.readiness()->subscribe(observer);
    }
    ~Waiter() { Readiness::unsubscribe(observer); }
    int wakeups = 0;
    kernel::ReadinessObserver observer;
};

TEST(EpollFile, ExclusiveWakesOneWaitingEpollPerEvent) {
    Held<FakeFile> listener(new FakeFile);
    std::vector<Held<EpollFile>> epolls;
    for (int index = 0; index < 3; ++index) {
        epolls.emplace_back(new EpollFile);
        ASSERT_OK(epolls.back()->add(*listener, 3, {in | epoll_flag::exclusive, 7}));
    }
    Waiter first(*epolls[0]), second(*epolls[1]), third(*epolls[2]);
    listener->set(in);
    EXPECT_EQ(first.wakeups, 1);
    EXPECT_EQ(second.wakeups, 0);
    EXPECT_EQ(third.wakeups, 0);
    EXPECT_EQ(collect(*epolls[0]).size(), 1u);
    EXPECT_TRUE(collect(*epolls[1]).empty());
    EXPECT_TRUE(collect(*epolls[2]).empty());

    // An epoll nobody waits on is passed over (its list still gets the event, as Linux's
    // does): the next one with a waiter takes the wake-up.
    Readiness::unsubscribe(first.observer);
    listener->set(in);
    EXPECT_EQ(first.wakeups, 1);
    EXPECT_EQ(second.wakeups, 1);
    EXPECT_EQ(third.wakeups, 0);
    EXPECT_EQ(collect(*epolls[1]).size(), 1u);
    EXPECT_TRUE(collect(*epolls[2]).empty());
}

TEST(EpollFile, NonExclusiveRegistrationsAllWake) {
    Held<FakeFile> listener(new FakeFile);
    Held<EpollFile> shared(new EpollFile), exclusive_one(new EpollFile),
        exclusive_two(new EpollFile);
    ASSERT_OK(shared->add(*listener, 3, {in, 1}));
    ASSERT_OK(exclusive_one->add(*listener, 3, {in | epoll_flag::exclusive, 2}));
    ASSERT_OK(exclusive_two->add(*listener, 3, {in | epoll_flag::exclusive, 3}));
    Waiter a(*shared), b(*exclusive_one), c(*exclusive_two);
    listener->set(in);
    EXPECT_EQ(a.wakeups, 1);
    EXPECT_EQ(b.wakeups, 1);
    EXPECT_EQ(c.wakeups, 0);
    // Input and output at once is not one an exclusive waiter takes for itself (Linux's
    // rule): both exclusive epolls hear of it.
    listener->set(in | out);
    EXPECT_EQ(b.wakeups, 2);
    EXPECT_EQ(c.wakeups, 1);
}

TEST(EpollFile, ExclusiveTakesOnlyPlainFlags) {
    Held<EpollFile> epoll(new EpollFile);
    Held<EpollFile> inner(new EpollFile);
    Held<FakeFile> file(new FakeFile);
    EXPECT_ERRNO(epoll->add(*file, 3, {in | epoll_flag::exclusive | epoll_flag::one_shot, 1}),
                 EINVAL);
    EXPECT_ERRNO(epoll->add(*file, 3, {in | poll_event::read_normal | epoll_flag::exclusive, 1}),
                 EINVAL);
    EXPECT_ERRNO(epoll->add(*inner, 4, {in | epoll_flag::exclusive, 1}), EINVAL);
    ASSERT_OK(epoll->add(*file, 3,
                         {in | out | poll_event::error | poll_event::hang_up |
                              epoll_flag::edge_triggered | epoll_flag::exclusive,
                          1}));
    EXPECT_ERRNO(epoll->modify(*file, 3, {in, 1}), EINVAL);
}

} // namespace
