// Image config → bundle config (trust/image_bundle.hpp) and Config.User
// resolution against the image's own account files (trust/image_user.hpp).
#include "trust_helpers.hpp"
#include "ward/json/json.hpp"
#include "ward/spec/parse.hpp"
#include "ward/trust/image_bundle.hpp"
#include "ward/trust/image_user.hpp"
#include "ward/trust/store.hpp"

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <sys/stat.h>

using namespace ward;
using namespace ward::trust;
using ward::test::contains;
using ward::test::error_of;
using ward::test::TempDir;
using ward::test::write_bytes;
namespace fs = std::filesystem;

namespace {

using Strings = std::vector<std::string>;

const Digest kDigest{std::string(64, 'a')};

ImageBundleSource source() {
    ImageBundleSource s;
    s.name = "localhost/demo:1";
    s.manifest = kDigest;
    s.rootfs = "/var/lib/ward/images/sha256/" + kDigest.hex + "/rootfs";
    s.config.os = "linux";
    s.config.architecture = "amd64";
    return s;
}

AccountFiles files(const std::string& passwd, const std::string& group) {
    AccountFiles f;
    f.passwd.text = passwd;
    f.group.text = group;
    return f;
}

const char* kPasswd = "root:x:0:0:root:/root:/bin/sh\n"
                      "# a comment\n"
                      "\n"
                      "web:x:1000:1001:Web:/home/web:/bin/sh\n"
                      "nohome:x:1002:1002::\n"
                      "broken:x:notanumber:1:::\n"
                      "+nisuser::::::\n";
const char* kGroup = "root:x:0:\n"
                     "web:x:1001:\n"
                     "staff:x:50:web,other\n"
                     "audio:x:29: other , web \n"
                     "dup:x:50:web\n";

ImageUser user(const std::string& spec) {
    return resolve_image_user(spec, files(kPasswd, kGroup));
}

} // namespace

BOOST_AUTO_TEST_SUITE(image_bundle)

BOOST_AUTO_TEST_CASE(entrypoint_and_cmd_combine_as_the_image_spec_says) {
    auto s = source();
    s.config.entrypoint = Strings{"/bin/app", "--serve"};
    s.config.cmd = Strings{"--port", "80"};
    BOOST_TEST(image_spec(s, {}).process->args == (Strings{"/bin/app", "--serve", "--port", "80"}),
               boost::test_tools::per_element());
    // A command replaces Cmd and keeps Entrypoint (podman create IMAGE CMD).
    BOOST_TEST(image_spec(s, {"--port", "8080"}).process->args ==
                   (Strings{"/bin/app", "--serve", "--port", "8080"}),
               boost::test_tools::per_element());

    s.config.entrypoint.reset();
    BOOST_TEST(image_spec(s, {}).process->args == (Strings{"--port", "80"}),
               boost::test_tools::per_element());
    BOOST_TEST(image_spec(s, {"sh"}).process->args == (Strings{"sh"}),
               boost::test_tools::per_element());

    s.config.cmd.reset();
    s.config.entrypoint = Strings{"/bin/app"};
    BOOST_TEST(image_spec(s, {}).process->args == (Strings{"/bin/app"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(no_entrypoint_and_no_cmd_needs_a_command) {
    auto s = source();
    BOOST_TEST(error_of([&] { image_spec(s, {}); }) ==
               "image localhost/demo:1 has no Entrypoint or Cmd; give a command");
    s.config.entrypoint = Strings{};
    s.config.cmd = Strings{};
    BOOST_TEST(contains(error_of([&] { image_spec(s, {}); }), "has no Entrypoint or Cmd"));
    BOOST_TEST(image_spec(s, {"echo", "hi"}).process->args == (Strings{"echo", "hi"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(env_gets_path_and_home_only_when_missing) {
    auto s = source();
    s.config.cmd = Strings{"sh"};
    s.config.env = {"FOO=bar", "EMPTY="};
    s.user.home = "/home/web";
    BOOST_TEST(image_spec(s, {}).process->env ==
                   (Strings{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                            "FOO=bar", "EMPTY=", "HOME=/home/web"}),
               boost::test_tools::per_element());

    s.config.env = {"PATH=/opt/bin", "HOME=/srv", "PATHX=1"};
    BOOST_TEST(image_spec(s, {}).process->env == (Strings{"PATH=/opt/bin", "HOME=/srv", "PATHX=1"}),
               boost::test_tools::per_element());

    // "PATHX=1" does not count as PATH.
    s.config.env = {"PATHX=1"};
    BOOST_TEST(image_spec(s, {}).process->env.front().starts_with("PATH=/usr/local/sbin"));

    s.config.env = {"FOO=1", "NOEQUALS"};
    BOOST_TEST(error_of([&] { image_spec(s, {}); }) ==
               "image localhost/demo:1: config.Env[1]: \"NOEQUALS\" is not NAME=VALUE");
    s.config.env = {"=x"};
    BOOST_TEST(contains(error_of([&] { image_spec(s, {}); }), "config.Env[0]"));
}

BOOST_AUTO_TEST_CASE(cwd_user_root_and_the_default_rest) {
    auto s = source();
    s.config.cmd = Strings{"sh"};
    spec::Spec spec = image_spec(s, {});
    BOOST_TEST(spec.process->cwd == "/");
    BOOST_TEST(spec.process->user.uid == 0u);
    BOOST_TEST(spec.root->path == s.rootfs);
    BOOST_TEST(spec.root->readonly.value_or(false));
    // The rest is `ward spec`'s: no capabilities, noNewPrivileges, the mounts.
    spec::Spec def = spec::default_spec();
    BOOST_TEST(json::serialize(spec::spec_to_json(spec)).find("\"bounding\":[]") !=
               std::string::npos);
    BOOST_TEST(spec.process->no_new_privileges.value_or(false));
    BOOST_TEST(spec.mounts.size() == def.mounts.size());
    BOOST_TEST(spec.linux->namespaces.size() == def.linux->namespaces.size());

    s.config.working_dir = "/srv/app";
    s.user.uid = 1000;
    s.user.gid = 50;
    s.user.additional_gids = {29};
    spec = image_spec(s, {});
    BOOST_TEST(spec.process->cwd == "/srv/app");
    BOOST_TEST(spec.process->user.uid == 1000u);
    BOOST_TEST(spec.process->user.gid == 50u);
    BOOST_TEST(spec.process->user.additional_gids == (std::vector<uint32_t>{29}),
               boost::test_tools::per_element());

    s.config.working_dir = "app";
    BOOST_TEST(error_of([&] { image_spec(s, {}); }) ==
               "image localhost/demo:1: config.WorkingDir: \"app\" is not absolute");
    s.config.working_dir = "";
    s.config.os = "windows";
    BOOST_TEST(contains(error_of([&] { image_spec(s, {}); }), "os \"windows\""));
}

BOOST_AUTO_TEST_CASE(annotations_name_the_image_and_keep_only_oci_labels) {
    auto s = source();
    s.config.cmd = Strings{"sh"};
    s.config.created = "2026-01-02T03:04:05Z";
    s.config.author = "someone";
    s.config.stop_signal = "SIGQUIT";
    s.config.labels = {{"org.opencontainers.image.version", "1.2"},
                       {"org.opencontainers.image.os", "label-wins"},
                       {"org.systemd.property.CPUQuota", "1%"},
                       {"run.oci.keep_original_groups", "1"},
                       {"dev.ward.image.digest", "sha256:forged"}};
    auto a = image_spec(s, {}).annotations;
    BOOST_TEST(a.at("dev.ward.image.digest") == kDigest.str());
    BOOST_TEST(a.at("dev.ward.image.name") == "localhost/demo:1");
    BOOST_TEST(a.at("org.opencontainers.image.architecture") == "amd64");
    BOOST_TEST(a.at("org.opencontainers.image.created") == "2026-01-02T03:04:05Z");
    BOOST_TEST(a.at("org.opencontainers.image.author") == "someone");
    BOOST_TEST(a.at("org.opencontainers.image.stopSignal") == "SIGQUIT");
    BOOST_TEST(a.at("org.opencontainers.image.version") == "1.2");
    BOOST_TEST(a.at("org.opencontainers.image.os") == "label-wins");
    BOOST_TEST(!a.count("org.systemd.property.CPUQuota"));
    BOOST_TEST(!a.count("run.oci.keep_original_groups"));
    BOOST_TEST(a.size() == 8u);
}

BOOST_AUTO_TEST_CASE(image_config_parser_keeps_the_fields_the_bundle_uses) {
    std::string cfg = R"({"created":"2026-01-02T03:04:05Z","author":"me","architecture":"amd64",)"
                      R"("os":"linux","config":{"StopSignal":"SIGINT","Labels":{"a":"b"}},)"
                      R"("rootfs":{"type":"layers","diff_ids":[]}})";
    ImageConfig c = parse_image_config(cfg, "config");
    BOOST_TEST(c.created == "2026-01-02T03:04:05Z");
    BOOST_TEST(c.author == "me");
    BOOST_TEST(c.stop_signal == "SIGINT");
    BOOST_TEST(c.labels.at("a") == "b");
    // Docker writes null labels.
    std::string null_labels = R"({"architecture":"amd64","os":"linux","config":{"Labels":null},)"
                              R"("rootfs":{"type":"layers","diff_ids":[]}})";
    BOOST_TEST(parse_image_config(null_labels, "config").labels.empty());
    std::string bad = R"({"architecture":"amd64","os":"linux","config":{"Labels":{"a":1}},)"
                      R"("rootfs":{"type":"layers","diff_ids":[]}})";
    BOOST_TEST(error_of([&] { parse_image_config(bad, "config"); }) ==
               "config: config.Labels.a: expected string, got number");
    std::string bad_signal = R"({"architecture":"amd64","os":"linux","config":{"StopSignal":9},)"
                             R"("rootfs":{"type":"layers","diff_ids":[]}})";
    BOOST_TEST(contains(error_of([&] { parse_image_config(bad_signal, "config"); }),
                        "config.StopSignal: expected string"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(image_user)

BOOST_AUTO_TEST_CASE(passwd_and_group_parsing_skips_what_libc_would) {
    auto p = parse_passwd(kPasswd);
    BOOST_REQUIRE(p.size() == 3u);
    BOOST_TEST(p[1].name == "web");
    BOOST_TEST(p[1].uid == 1000u);
    BOOST_TEST(p[1].gid == 1001u);
    BOOST_TEST(p[1].home == "/home/web");
    BOOST_TEST(p[2].home == "");
    auto g = parse_group(kGroup);
    BOOST_REQUIRE(g.size() == 5u);
    BOOST_TEST(g[3].members == (Strings{"other", "web"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(empty_and_numeric_users) {
    ImageUser u = user("");
    BOOST_TEST(u.uid == 0u);
    BOOST_TEST(u.gid == 0u);
    BOOST_TEST(u.home == "/root");
    // A numeric user with a passwd entry takes its group, home and groups (runc).
    u = user("1000");
    BOOST_TEST(u.uid == 1000u);
    BOOST_TEST(u.gid == 1001u);
    BOOST_TEST(u.home == "/home/web");
    BOOST_TEST(u.additional_gids == (std::vector<uint32_t>{50, 29}),
               boost::test_tools::per_element());
    // Without one: as written, gid 0, home "/".
    u = user("4242");
    BOOST_TEST(u.uid == 4242u);
    BOOST_TEST(u.gid == 0u);
    BOOST_TEST(u.home == "/");
    BOOST_TEST(u.additional_gids.empty());
    u = user("4242:77");
    BOOST_TEST(u.gid == 77u);
    // No passwd at all: numeric ids still work.
    u = resolve_image_user("5:6", AccountFiles{});
    BOOST_TEST(u.uid == 5u);
    BOOST_TEST(u.gid == 6u);
}

BOOST_AUTO_TEST_CASE(names_resolve_in_the_images_files) {
    ImageUser u = user("web");
    BOOST_TEST(u.uid == 1000u);
    BOOST_TEST(u.gid == 1001u);
    BOOST_TEST(u.additional_gids == (std::vector<uint32_t>{50, 29}),
               boost::test_tools::per_element());
    // An explicit group replaces the primary one; no supplementary groups.
    u = user("web:staff");
    BOOST_TEST(u.uid == 1000u);
    BOOST_TEST(u.gid == 50u);
    BOOST_TEST(u.additional_gids.empty());
    u = user("1000:audio");
    BOOST_TEST(u.gid == 29u);
    u = user("web:7");
    BOOST_TEST(u.gid == 7u);
    u = user("nohome");
    BOOST_TEST(u.home == "/");
}

BOOST_AUTO_TEST_CASE(unknown_and_out_of_range_users_are_errors_naming_them) {
    BOOST_TEST(error_of([] { user("nobody"); }) ==
               "config.User \"nobody\": no user \"nobody\" in the image's /etc/passwd");
    BOOST_TEST(error_of([] { user("web:wheel"); }) ==
               "config.User \"web:wheel\": no group \"wheel\" in the image's /etc/group");
    BOOST_TEST(error_of([] { user("2147483648"); }) ==
               "config.User \"2147483648\": uid 2147483648 out of range (0-2147483647)");
    BOOST_TEST(contains(error_of([] { user("1:99999999999"); }), "gid 99999999999 out of range"));
    BOOST_TEST(contains(error_of([] { user("web:"); }), "empty group"));
    AccountFiles none;
    none.passwd.absent_why = "missing";
    none.group.absent_why = "missing";
    BOOST_TEST(error_of([&] { resolve_image_user("web", none); }) ==
               "config.User \"web\": cannot look up user \"web\": the image's /etc/passwd is "
               "missing");
    BOOST_TEST(contains(error_of([&] { resolve_image_user("1:staff", none); }),
                        "cannot look up group \"staff\": the image's /etc/group is missing"));
}

BOOST_AUTO_TEST_CASE(account_files_are_read_beneath_the_rootfs) {
    TempDir t;
    fs::create_directories(t.str("rootfs/etc"));
    write_bytes(t.str("rootfs/etc/passwd"), "app:x:10:20::/app:/bin/sh\n");
    write_bytes(t.str("rootfs/etc/group"), "app:x:20:\nextra:x:30:app\n");
    AccountFiles f = read_account_files(t.str("rootfs"));
    ImageUser u = resolve_image_user("app", f);
    BOOST_TEST(u.uid == 10u);
    BOOST_TEST(u.gid == 20u);
    BOOST_TEST(u.additional_gids == (std::vector<uint32_t>{30}), boost::test_tools::per_element());
    BOOST_TEST(u.home == "/app");
}

BOOST_AUTO_TEST_CASE(a_symlinked_passwd_is_never_followed) {
    TempDir t;
    // The host-side file the link aims at: resolving "evil" through it would
    // read a file outside the image.
    write_bytes(t.str("outside-passwd"), "evil:x:0:0::/:/bin/sh\n");
    fs::create_directories(t.str("rootfs/etc"));
    fs::create_symlink(t.str("outside-passwd"), t.str("rootfs/etc/passwd"));
    AccountFiles f = read_account_files(t.str("rootfs"));
    BOOST_TEST(!f.passwd.text);
    BOOST_TEST(f.passwd.absent_why == "a symlink (not followed)");
    BOOST_TEST(error_of([&] { resolve_image_user("evil", f); }) ==
               "config.User \"evil\": cannot look up user \"evil\": the image's /etc/passwd is "
               "a symlink (not followed)");
    // A relative link inside the image is not followed either.
    fs::remove(t.str("rootfs/etc/passwd"));
    write_bytes(t.str("rootfs/etc/passwd.real"), "app:x:1:1::/:/bin/sh\n");
    fs::create_symlink("passwd.real", t.str("rootfs/etc/passwd"));
    BOOST_TEST(!read_account_files(t.str("rootfs")).passwd.text);
    // Numeric users need no lookup and still work.
    BOOST_TEST(resolve_image_user("7", f).uid == 7u);
}

BOOST_AUTO_TEST_CASE(a_symlinked_etc_is_never_followed) {
    TempDir t;
    fs::create_directories(t.str("host-etc"));
    write_bytes(t.str("host-etc/passwd"), "evil:x:0:0::/:/bin/sh\n");
    fs::create_directories(t.str("rootfs"));
    fs::create_symlink(t.str("host-etc"), t.str("rootfs/etc"));
    AccountFiles f = read_account_files(t.str("rootfs"));
    BOOST_TEST(!f.passwd.text);
    BOOST_TEST(!f.group.text);
    BOOST_TEST(contains(f.passwd.absent_why, "symlink"));
    BOOST_TEST(contains(error_of([&] { resolve_image_user("evil", f); }), "cannot look up"));
}

BOOST_AUTO_TEST_CASE(missing_odd_and_huge_files) {
    TempDir t;
    fs::create_directories(t.str("rootfs"));
    AccountFiles f = read_account_files(t.str("rootfs"));
    BOOST_TEST(f.passwd.absent_why == "missing (no /etc)");
    fs::create_directories(t.str("rootfs/etc/passwd")); // a directory
    BOOST_TEST(read_account_files(t.str("rootfs")).passwd.absent_why == "not a regular file");
    BOOST_TEST(read_account_files(t.str("rootfs")).group.absent_why == "missing");
    fs::remove(t.str("rootfs/etc/passwd"));
    write_bytes(t.str("rootfs/etc/passwd"), std::string((4u << 20) + 1, '\n'));
    BOOST_TEST(read_account_files(t.str("rootfs")).passwd.absent_why == "larger than 4 MiB");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(image_bundle_files)

BOOST_AUTO_TEST_CASE(mount_points_must_exist_in_the_rootfs) {
    TempDir t;
    spec::Spec spec = spec::default_spec();
    fs::create_directories(t.str("rootfs/proc"));
    fs::create_directories(t.str("rootfs/real-sys"));
    fs::create_symlink("real-sys", t.str("rootfs/sys"));
    // /dev/pts, /dev/shm, /dev/mqueue are made in the /dev tmpfs and
    // /sys/fs/cgroup is in sysfs: only the top ones count. A symlinked /sys
    // is not a directory ward may create into.
    BOOST_TEST(missing_mount_points(spec, t.str("rootfs")) == (Strings{"/dev", "/sys"}),
               boost::test_tools::per_element());
    fs::create_directories(t.str("rootfs/dev"));
    fs::remove(t.str("rootfs/sys"));
    fs::create_directories(t.str("rootfs/sys"));
    BOOST_TEST(missing_mount_points(spec, t.str("rootfs")).empty());
}

BOOST_AUTO_TEST_CASE(bundle_config_written_only_into_a_new_or_empty_dir) {
    TempDir t;
    auto s = source();
    s.config.cmd = Strings{"sh"};
    spec::Spec spec = image_spec(s, {});
    ::umask(077);
    write_bundle_config(t.str("new"), spec);
    ::umask(022);
    struct stat st {};
    BOOST_REQUIRE(::stat(t.str("new/config.json").c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 07777) == 0644u);
    spec::Spec back = spec::parse_spec(read_file(t.str("new/config.json")));
    BOOST_TEST(back.root->path == s.rootfs);
    BOOST_TEST(back.annotations.at("dev.ward.image.name") == "localhost/demo:1");
    BOOST_TEST(std::distance(fs::directory_iterator(t.str("new")), fs::directory_iterator()) == 1);

    BOOST_TEST(contains(error_of([&] { write_bundle_config(t.str("new"), spec); }),
                        "directory is not empty"));
    fs::create_directories(t.str("empty"));
    write_bundle_config(t.str("empty"), spec);
    BOOST_TEST(fs::exists(t.str("empty/config.json")));
    BOOST_TEST(
        contains(error_of([&] { write_bundle_config(t.str("no/such/parent"), spec); }), "mkdir"));
}

BOOST_AUTO_TEST_SUITE_END()
