#include "oci/container_state.h"
#include "support/error.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

using namespace ingot;

namespace {

class OciStore : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/ingot-oci-store-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        m_root = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(m_root); }

    ContainerRecord record(const std::string& id, int pid) {
        ContainerRecord record;
        record.id = id;
        record.bundle = "/b";
        record.created = "2026-01-02T03:04:05Z";
        record.annotations = {{"a", "b"}};
        if (auto identity = identify_process(pid))
            record.init = *identity;
        else
            record.init.pid = pid;
        return record;
    }

    std::string m_root;
};

} // namespace

TEST(OciIds, RuncsRule) {
    EXPECT_TRUE(is_valid_container_id("abc-DEF_1.2+3"));
    EXPECT_FALSE(is_valid_container_id(""));
    EXPECT_FALSE(is_valid_container_id(".."));
    EXPECT_FALSE(is_valid_container_id("a/b"));
    EXPECT_FALSE(is_valid_container_id("a b"));
}

TEST_F(OciStore, RecordRoundTripsAndStatusFollowsTheInitAndTheFifo) {
    ContainerStore store(m_root + "/state");
    store.create("c1");
    EXPECT_TRUE(std::filesystem::exists(store.fifo_path("c1")));
    ContainerRecord mine = record("c1", ::getpid());
    store.save(mine);
    ContainerRecord loaded = store.load("c1");
    EXPECT_EQ(loaded.bundle, "/b");
    EXPECT_EQ(loaded.init.pid, ::getpid());
    EXPECT_EQ(loaded.annotations, mine.annotations);
    EXPECT_EQ(store.status(loaded), ContainerStatus::Created);
    std::filesystem::remove(store.fifo_path("c1"));
    EXPECT_EQ(store.status(loaded), ContainerStatus::Running);
    // The same pid with another start time is another process: the init is gone.
    loaded.init.start_time += 1;
    EXPECT_EQ(store.status(loaded), ContainerStatus::Stopped);
    store.remove("c1");
    EXPECT_FALSE(store.exists("c1"));
}

TEST_F(OciStore, RefusesTakenMalformedAndUnknownIds) {
    ContainerStore store(m_root);
    store.create("c1");
    EXPECT_THROW(store.create("c1"), UserError);
    EXPECT_THROW(store.create("../x"), UserError);
    try {
        store.load("nope");
        FAIL() << "loaded an unknown container";
    } catch (const UserError& error) {
        EXPECT_STREQ(error.what(), "container 'nope' does not exist");
    }
}

TEST(OciState, AsTheRuntimeSpecSaysAndRuncReports) {
    ContainerRecord record;
    record.id = "c1";
    record.bundle = "/b";
    record.init.pid = 42;
    record.annotations = {{"k", "v"}};
    auto state = oci_state(record, ContainerStatus::Running);
    EXPECT_EQ(state["ociVersion"], "1.0.2");
    EXPECT_EQ(state["id"], "c1");
    EXPECT_EQ(state["status"], "running");
    EXPECT_EQ(state["pid"], 42);
    EXPECT_EQ(state["bundle"], "/b");
    EXPECT_EQ(state["annotations"]["k"], "v");
    EXPECT_EQ(oci_state(record, ContainerStatus::Stopped)["pid"], 0);
    EXPECT_EQ(oci_state(record, ContainerStatus::Created)["status"], "created");
}

TEST(OciState, RecordJsonRoundTrips) {
    ContainerRecord record;
    record.id = "c1";
    record.bundle = "/b";
    record.init = {7, 99, "boot"};
    record.created = "t";
    ContainerRecord back = record_from_json(record_to_json(record));
    EXPECT_EQ(back.init.pid, 7);
    EXPECT_EQ(back.init.start_time, 99u);
    EXPECT_EQ(back.init.boot_id, "boot");
    EXPECT_THROW(record_from_json(nlohmann::json::object()), UserError);
}
