#include "image/image.h"
#include "image/oci_archive_digest.h"
#include "image/oci_archive_reader.h"
#include "image/oci_archive_tar.h"
#include "image/oci_archive_writer.h"
#include "support/error.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <functional>

namespace ingot::oci {
namespace {

using nlohmann::json;
using Files = std::map<std::string, std::vector<uint8_t>>;

std::vector<uint8_t> text_bytes(const std::string& text) {
    return {text.begin(), text.end()};
}
std::vector<uint8_t> json_bytes(const json& document) {
    return text_bytes(document.dump());
}
std::string text_of(const std::vector<uint8_t>& bytes) {
    return {bytes.begin(), bytes.end()};
}

const std::vector<uint8_t>& sealed_image() {
    static const std::vector<uint8_t> image = [] {
        Manifest manifest;
        manifest.arguments = {"hello", "world"};
        manifest.environment = {"LANG=C"};
        manifest.memory_size = 64ull << 20;
        return build_image(ingot_test::read_file(ingot_test::kernel_elf_path()),
                           ingot_test::read_file(ingot_test::static_program_path()), manifest);
    }();
    return image;
}

ArchiveSpec hello_spec() {
    ArchiveSpec spec;
    spec.image_path = image_path_for("./bin/hello");
    spec.arguments = {"world"};
    spec.environment = {"LANG=C"};
    spec.tag = "web";
    return spec;
}

Files files_of(const std::vector<uint8_t>& archive) {
    return read_tar(archive, {1ull << 30, 1ull << 30, 100}, "test");
}

std::vector<uint8_t> archive_of(const Files& files) {
    std::vector<TarFile> entries;
    for (const auto& [path, bytes] : files)
        entries.push_back({path, bytes});
    return write_tar(entries, 0);
}

std::string blob_path(const std::string& digest) {
    return "blobs/sha256/" + *sha256_hex(digest);
}

// An archive assembled by hand, so that each part can be made wrong on its own.
struct Parts {
    std::vector<TarFile> layer{{"ingot/", {}}, {"ingot/hello.img", sealed_image(), true}};
    json container = {{"Entrypoint", {"/ingot/hello.img"}}};
    std::function<void(json& config)> edit_config = [](json&) {};
    std::function<void(json& manifest)> edit_manifest = [](json&) {};
    std::function<void(json& index)> edit_index = [](json&) {};
    std::function<void(Files& files)> edit_files = [](Files&) {};
};

json descriptor(const std::string& type, const std::vector<uint8_t>& blob) {
    return {{"mediaType", type}, {"digest", sha256_digest(blob)}, {"size", blob.size()}};
}

std::vector<uint8_t> assemble(const Parts& parts) {
    std::vector<uint8_t> layer_tar = write_tar(parts.layer, 0);
    std::vector<uint8_t> layer = gzip(layer_tar);
    json config = {{"architecture", "amd64"},
                   {"os", "linux"},
                   {"config", parts.container},
                   {"rootfs", {{"type", "layers"}, {"diff_ids", {sha256_digest(layer_tar)}}}}};
    parts.edit_config(config);
    std::vector<uint8_t> config_bytes = json_bytes(config);
    json manifest = {{"schemaVersion", 2},
                     {"mediaType", std::string(manifest_media_type)},
                     {"config", descriptor(std::string(config_media_type), config_bytes)},
                     {"layers", json::array({descriptor(std::string(layer_media_type), layer)})}};
    parts.edit_manifest(manifest);
    std::vector<uint8_t> manifest_bytes = json_bytes(manifest);
    json index = {
        {"schemaVersion", 2},
        {"manifests", json::array({descriptor(std::string(manifest_media_type), manifest_bytes)})}};
    parts.edit_index(index);
    Files files{{"oci-layout", text_bytes(R"({"imageLayoutVersion":"1.0.0"})")},
                {"index.json", json_bytes(index)},
                {blob_path(sha256_digest(layer)), layer},
                {blob_path(sha256_digest(config_bytes)), config_bytes},
                {blob_path(sha256_digest(manifest_bytes)), manifest_bytes}};
    parts.edit_files(files);
    return archive_of(files);
}

// read_oci_archive's one-line refusal of `archive`, or "accepted".
std::string refusal(const std::vector<uint8_t>& archive) {
    try {
        read_oci_archive(archive, "web.tar");
        return "accepted";
    } catch (const UserError& error) {
        std::string message = error.what();
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
        return message;
    }
}

TEST(OciArchiveDigest, IsTheSha256OfTheBytes) {
    EXPECT_EQ(sha256_digest(text_bytes(std::string("abc"))),
              "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("sha256:" + std::string(64, 'a')), std::string(64, 'a'));
    EXPECT_FALSE(sha256_hex("sha256:" + std::string(64, 'A')));
    EXPECT_FALSE(sha256_hex("sha256:../../../../etc/passwd" + std::string(40, 'a')));
    EXPECT_FALSE(sha256_hex("sha512:" + std::string(128, 'a')));
}

TEST(OciArchiveWriter, RoundTripsTheImage) {
    std::vector<uint8_t> archive = write_oci_archive(sealed_image(), hello_spec());
    EXPECT_TRUE(looks_like_tar(archive));
    ArchivedImage read = read_oci_archive(archive, "web.tar");
    EXPECT_EQ(read.image, sealed_image());
    EXPECT_EQ(read.image_path, "/ingot/hello.img");
    EXPECT_EQ(read.tag, "web");
}

TEST(OciArchiveWriter, WritesTheLayoutTheSpecNames) {
    Files files = files_of(write_oci_archive(sealed_image(), hello_spec()));
    EXPECT_EQ(json::parse(text_of(files.at("oci-layout")))["imageLayoutVersion"], "1.0.0");
    json index = json::parse(text_of(files.at("index.json")));
    ASSERT_EQ(index["manifests"].size(), 1u);
    EXPECT_EQ(index["manifests"][0]["annotations"][std::string(ref_name_annotation)], "web");
    json manifest = json::parse(text_of(files.at(blob_path(index["manifests"][0]["digest"]))));
    EXPECT_EQ(manifest["mediaType"], manifest_media_type);
    ASSERT_EQ(manifest["layers"].size(), 1u);
    EXPECT_EQ(manifest["layers"][0]["mediaType"], layer_media_type);
    json config = json::parse(text_of(files.at(blob_path(manifest["config"]["digest"]))));
    EXPECT_EQ(config["architecture"], "amd64");
    EXPECT_EQ(config["os"], "linux");
    EXPECT_EQ(config["config"]["Entrypoint"], json::array({"/ingot/hello.img"}));
    EXPECT_EQ(config["config"]["Cmd"], json::array({"world"}));
    EXPECT_EQ(config["config"]["Env"], json::array({"LANG=C"}));
    EXPECT_EQ(config["config"]["Labels"][std::string(image_label)], "/ingot/hello.img");
    // diff_ids name the layer uncompressed.
    std::vector<uint8_t> layer = files.at(blob_path(manifest["layers"][0]["digest"]));
    EXPECT_EQ(config["rootfs"]["diff_ids"][0], sha256_digest(decompress(layer, 1ull << 30, "t")));
    EXPECT_EQ(files.size(), 5u); // oci-layout, index.json, three blobs
}

TEST(OciArchiveWriter, SameInputSameBytes) {
    EXPECT_EQ(write_oci_archive(sealed_image(), hello_spec()),
              write_oci_archive(sealed_image(), hello_spec()));
    ArchiveSpec later = hello_spec();
    later.created = 1700000000;
    EXPECT_NE(write_oci_archive(sealed_image(), later),
              write_oci_archive(sealed_image(), hello_spec()));
}

TEST(OciArchiveWriter, TakesTheTimeFromSourceDateEpoch) {
    ::unsetenv("SOURCE_DATE_EPOCH");
    EXPECT_EQ(source_date_epoch(), 0);
    ::setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    EXPECT_EQ(source_date_epoch(), 1700000000);
    ::setenv("SOURCE_DATE_EPOCH", "yesterday", 1);
    EXPECT_THROW(source_date_epoch(), UserError);
    ::unsetenv("SOURCE_DATE_EPOCH");
}

TEST(OciArchiveWriter, NamesTheImageAfterTheProgram) {
    EXPECT_EQ(image_path_for("./bin/hello"), "/ingot/hello.img");
    EXPECT_EQ(default_tag_for("./bin/hello"), "hello:latest");
    EXPECT_EQ(default_tag_for("/usr/bin/redis-server"), "redis-server:latest");
    EXPECT_EQ(default_tag_for("Hello"), "latest"); // image names are lowercase
}

TEST(OciArchiveWriter, ChecksTheTag) {
    EXPECT_NO_THROW(check_tag("latest"));
    EXPECT_NO_THROW(check_tag("localhost/web:1.0"));
    EXPECT_THROW(check_tag(""), UserError);
    EXPECT_THROW(check_tag("web tag"), UserError);
    EXPECT_THROW(check_tag("-web"), UserError);
}

TEST(OciArchiveReader, AcceptsAHandMadeArchiveAndAPlainLayer) {
    EXPECT_EQ(refusal(assemble({})), "accepted");
    Parts plain;
    plain.edit_manifest = [](json& manifest) {
        manifest["layers"][0]["mediaType"] = std::string(plain_layer_media_type);
    };
    // The layer is still gzip: libarchive reads either, as skopeo may recompress it.
    EXPECT_EQ(refusal(assemble(plain)), "accepted");
}

TEST(OciArchiveReader, TakesTheLastLayersImageAndTheCommandWithoutEntrypoint) {
    Parts parts;
    parts.container = {{"Cmd", {"/ingot/hello.img", "world"}}};
    EXPECT_EQ(refusal(assemble(parts)), "accepted");
}

TEST(OciArchiveReader, RefusesWhatIsNotAnOciArchive) {
    EXPECT_FALSE(looks_like_tar(sealed_image()));
    EXPECT_EQ(refusal(text_bytes(std::string(1024, 'x'))).rfind("web.tar: not a tar file", 0), 0u);
    Files docker{{"manifest.json", text_bytes(std::string("[]"))}};
    EXPECT_NE(refusal(archive_of(docker)).find("a docker archive, not an OCI archive"),
              std::string::npos);
    Files neither{{"hello.txt", text_bytes(std::string("hi"))}};
    EXPECT_NE(refusal(archive_of(neither)).find("without oci-layout"), std::string::npos);
}

TEST(OciArchiveReader, RefusesBadJson) {
    Parts parts;
    parts.edit_files = [](Files& files) { files["index.json"] = text_bytes(std::string("{oops")); };
    EXPECT_EQ(refusal(assemble(parts)), "web.tar: index.json is not a JSON object");
    Parts huge;
    huge.edit_files = [](Files& files) {
        files["index.json"] = text_bytes(std::string(5 << 20, ' ') + "{}");
    };
    EXPECT_EQ(refusal(assemble(huge)),
              "web.tar: index.json is larger than the 4194304 bytes accepted");
    Parts no_manifests;
    no_manifests.edit_index = [](json& index) { index["manifests"] = json::array(); };
    EXPECT_EQ(refusal(assemble(no_manifests)), "web.tar: index.json lists no manifest");
}

TEST(OciArchiveReader, RefusesDigestAndSizeMismatches) {
    Parts tampered;
    tampered.edit_files = [](Files& files) {
        for (auto& [path, bytes] : files)
            if (path.starts_with("blobs/") && text_of(bytes).find("\"os\"") != std::string::npos)
                bytes =
                    text_bytes(text_of(bytes).replace(text_of(bytes).find("linux"), 5, "LINUX"));
    };
    EXPECT_NE(refusal(assemble(tampered)).find("the config's blob does not match its digest"),
              std::string::npos);
    Parts sized;
    sized.edit_manifest = [](json& manifest) { manifest["layers"][0]["size"] = 1ull << 62; };
    EXPECT_NE(refusal(assemble(sized)).find("layer 1's blob"), std::string::npos);
    Parts traversal;
    traversal.edit_manifest = [](json& manifest) {
        manifest["config"]["digest"] = "sha256:../../etc/passwd";
    };
    EXPECT_NE(refusal(assemble(traversal)).find("is not a sha256 digest"), std::string::npos);
}

TEST(OciArchiveReader, RefusesAMissingBlob) {
    Parts parts;
    parts.edit_files = [](Files& files) {
        for (auto entry = files.begin(); entry != files.end(); ++entry)
            if (entry->second.size() > 100000) { // the layer
                files.erase(entry);
                return;
            }
    };
    EXPECT_NE(refusal(assemble(parts)).find("layer 1's blob sha256:"), std::string::npos);
    EXPECT_NE(refusal(assemble(parts)).find("is missing"), std::string::npos);
}

TEST(OciArchiveReader, RefusesPathTraversal) {
    Parts parts;
    parts.edit_files = [](Files& files) { files["../evil"] = text_bytes(std::string("x")); };
    EXPECT_EQ(refusal(assemble(parts)),
              "web.tar: the entry '../evil' leaves the archive's directory");
}

TEST(OciArchiveReader, RefusesALayerThatDoesNotMatchItsDiffId) {
    Parts parts;
    parts.edit_config = [](json& config) {
        config["rootfs"]["diff_ids"][0] = sha256_digest(text_bytes(std::string("other")));
    };
    EXPECT_EQ(refusal(assemble(parts)), "web.tar: layer 1 does not match the config's diff_id");
}

TEST(OciArchiveReader, RefusesALayerWithoutTheEntrypoint) {
    Parts parts;
    parts.layer = {{"bin/", {}}, {"bin/sh", text_bytes(std::string("#!")), true}};
    EXPECT_EQ(refusal(assemble(parts)),
              "web.tar: the entrypoint /ingot/hello.img is in none of its layers");
}

TEST(OciArchiveReader, RefusesAnEntrypointThatIsNotAnIngotImage) {
    Parts parts;
    parts.layer = {
        {"ingot/hello.img", ingot_test::read_file(ingot_test::static_program_path()), true}};
    EXPECT_EQ(refusal(assemble(parts)),
              "web.tar: its entrypoint /ingot/hello.img is not an Ingot image (build one with "
              "ingot build --oci-archive)");
    Parts none;
    none.container = json::object();
    EXPECT_EQ(refusal(assemble(none)), "web.tar: its config names no entrypoint or command");
    Parts relative;
    relative.container = {{"Entrypoint", {"hello.img"}}};
    EXPECT_EQ(refusal(assemble(relative)),
              "web.tar: its entrypoint 'hello.img' is not an absolute path");
    Parts arm;
    arm.edit_config = [](json& config) { config["architecture"] = "arm64"; };
    EXPECT_EQ(refusal(assemble(arm)), "web.tar: it is not a linux/amd64 image");
    Parts numeric;
    numeric.edit_config = [](json& config) { config["os"] = 5; };
    EXPECT_EQ(refusal(assemble(numeric)), "web.tar: it is not a linux/amd64 image");
}

TEST(OciArchiveReader, RefusesSeveralImages) {
    Parts parts;
    parts.edit_index = [](json& index) { index["manifests"].push_back(index["manifests"][0]); };
    EXPECT_EQ(refusal(assemble(parts)),
              "web.tar: index.json lists 2 manifests: ingot reads an archive of one image");
}

TEST(OciArchiveTar, BoundsWhatItReads) {
    std::vector<TarFile> big{{"big", std::vector<uint8_t>(10000, 'a')}};
    std::vector<uint8_t> tar = write_tar(big, 0);
    EXPECT_THROW(read_tar(tar, {1000, 1ull << 30, 10}, "t"), UserError);
    EXPECT_THROW(read_tar(tar, {1ull << 30, 1000, 10}, "t"), UserError);
    std::vector<TarFile> many(20, TarFile{"a", {}});
    EXPECT_THROW(read_tar(write_tar(many, 0), {100, 100, 10}, "t"), UserError);
    // A small gzip stream that grows past the bound is refused, not held.
    EXPECT_THROW(decompress(gzip(tar), 5000, "t"), UserError);
    EXPECT_EQ(decompress(gzip(tar), 1 << 20, "t"), tar);
}

} // namespace
} // namespace ingot::oci
