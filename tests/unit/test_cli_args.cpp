// The argv parser must accept every shape containerd, CRI-O and podman use
// with runc, and reject bad input with runc's (Go flag) phrases.
#include "../../runtime/cli/args.hpp"
#include "../../runtime/cli/table.hpp"

#include <boost/test/unit_test.hpp>

using namespace ward;
using namespace ward::cli;

namespace {

using Args = std::vector<std::string>;

VerbArgs verb(const std::string& name, const Args& args) {
    const VerbSpec* spec = find_verb(name);
    BOOST_REQUIRE(spec);
    return parse_verb_args(*spec, args);
}

// The message of the UsageError `fn` throws, and the verb it names.
template <typename Fn>
std::pair<std::string, std::string> usage_error(Fn&& fn) {
    try {
        fn();
    } catch (const UsageError& e) {
        return {e.what(), e.verb()};
    }
    BOOST_FAIL("no UsageError thrown");
    return {};
}

template <typename Fn>
std::string usage_message(Fn&& fn) {
    return usage_error(std::forward<Fn>(fn)).first;
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_args)

BOOST_AUTO_TEST_CASE(global_flags_come_before_the_verb) {
    CommandLine line = parse_command_line({"--root", "/run/containerd/runc/k8s.io", "--log",
                                           "/tmp/log.json", "--log-format", "json", "--debug",
                                           "--systemd-cgroup", "create", "--bundle", "/b", "id1"});
    BOOST_TEST(line.globals.root == "/run/containerd/runc/k8s.io");
    BOOST_TEST(line.globals.log.file == "/tmp/log.json");
    BOOST_TEST((line.globals.log.format == log::Format::json));
    BOOST_TEST(line.globals.log.debug);
    BOOST_TEST(line.globals.systemd_cgroup);
    BOOST_TEST(line.verb == "create");
    BOOST_TEST(line.verb_args == (Args{"--bundle", "/b", "id1"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(global_defaults) {
    CommandLine line = parse_command_line({"list"});
    BOOST_TEST(line.globals.root == "/run/ward");
    BOOST_TEST(line.globals.log.file.empty());
    BOOST_TEST((line.globals.log.format == log::Format::text));
    BOOST_TEST(!line.globals.log.debug);
    BOOST_TEST(!line.globals.systemd_cgroup);
    BOOST_TEST(line.globals.rootless == "auto");
    BOOST_TEST(!parse_command_line({}).has_verb);
    BOOST_TEST(!parse_command_line({"--debug", "--"}).has_verb);
    CommandLine empty_word = parse_command_line({""});
    BOOST_TEST(empty_word.has_verb); // reported as an unknown verb, not taken as "no verb"
    BOOST_TEST(empty_word.verb.empty());
}

BOOST_AUTO_TEST_CASE(single_dash_long_names_and_equals_values_work_as_in_go) {
    CommandLine line = parse_command_line({"-root=/r", "-rootless", "false", "--criu=/x", "state"});
    BOOST_TEST(line.globals.root == "/r");
    BOOST_TEST(line.globals.rootless == "false");
    BOOST_TEST(line.verb == "state");
}

BOOST_AUTO_TEST_CASE(a_global_flag_after_the_verb_is_unknown_to_the_verb) {
    CommandLine line = parse_command_line({"state", "--root", "/x", "id"});
    BOOST_TEST(line.globals.root == "/run/ward");
    auto [msg, verb_name] = usage_error([&] { verb("state", line.verb_args); });
    BOOST_TEST(msg == "flag provided but not defined: -root");
    BOOST_TEST(verb_name == "state");
}

BOOST_AUTO_TEST_CASE(unknown_global_flag_and_bad_global_values) {
    auto [msg, verb_name] = usage_error([] { parse_command_line({"--bogus", "state", "x"}); });
    BOOST_TEST(msg == "flag provided but not defined: -bogus");
    BOOST_TEST(verb_name.empty());
    BOOST_TEST(usage_message([] {
                   parse_command_line({"--log-format", "yaml", "list"});
               }) == "invalid log-format: yaml");
    BOOST_TEST(usage_message([] {
                   parse_command_line({"--rootless", "maybe", "list"});
               }) == "invalid value \"maybe\" for flag -rootless: want auto, true or false");
    BOOST_TEST(usage_message([] { parse_command_line({"--root"}); }) ==
               "flag needs an argument: -root");
    BOOST_TEST(usage_message([] {
                   parse_command_line({"--root=", "list"});
               }) == "invalid value \"\" for flag -root: the state directory is required");
}

BOOST_AUTO_TEST_CASE(help_and_version_flags) {
    BOOST_TEST(parse_command_line({"--help"}).globals.help);
    BOOST_TEST(parse_command_line({"-h"}).globals.help);
    BOOST_TEST(parse_command_line({"--version"}).globals.version);
    BOOST_TEST(parse_command_line({"-v"}).globals.version);
    BOOST_TEST(!parse_command_line({"--version=false"}).globals.version);
}

BOOST_AUTO_TEST_CASE(create_flags_in_every_spelling) {
    auto options = create_options(
        verb("create", {"-b", "/bundle", "--pid-file=/run/p.pid", "--console-socket", "/run/c.sock",
                        "--no-pivot", "-no-new-keyring", "--preserve-fds", "2", "c1"}));
    BOOST_TEST(options.id == "c1");
    BOOST_TEST(options.bundle == "/bundle");
    BOOST_TEST(options.pid_file == "/run/p.pid");
    BOOST_TEST(options.console_socket == "/run/c.sock");
    BOOST_TEST(options.no_pivot);
    BOOST_TEST(options.no_new_keyring);
    BOOST_TEST(options.preserve_fds == 2);

    auto equals = create_options(verb("create", {"--bundle=/b2", "-b=/b3", "c2"}));
    BOOST_TEST(equals.bundle == "/b3"); // the last one wins, as in Go
}

BOOST_AUTO_TEST_CASE(create_defaults) {
    auto options = create_options(verb("create", {"c1"}));
    BOOST_TEST(options.bundle == ".");
    BOOST_TEST(options.pid_file.empty());
    BOOST_TEST(options.console_socket.empty());
    BOOST_TEST(!options.no_pivot);
    BOOST_TEST(!options.no_new_keyring);
    BOOST_TEST(options.preserve_fds == 0);
}

BOOST_AUTO_TEST_CASE(flags_may_follow_the_container_id_like_runc) {
    auto options = create_options(verb("create", {"c1", "-b", "/late", "--no-pivot=true"}));
    BOOST_TEST(options.id == "c1");
    BOOST_TEST(options.bundle == "/late");
    BOOST_TEST(options.no_pivot);
}

BOOST_AUTO_TEST_CASE(a_value_flag_takes_the_next_word_even_with_a_dash) {
    auto options = create_options(verb("create", {"--bundle", "-odd-dir", "c1"}));
    BOOST_TEST(options.bundle == "-odd-dir");
    BOOST_TEST(options.id == "c1");
}

BOOST_AUTO_TEST_CASE(preserve_fds_rejects_what_is_not_a_count) {
    auto message = [](const std::string& value) {
        return usage_message([&] {
            create_options(verb("create", {"--preserve-fds", value, "c1"}));
        });
    };
    BOOST_TEST(message("abc") == "invalid value \"abc\" for flag -preserve-fds: parse error");
    BOOST_TEST(message("-1") == "invalid value \"-1\" for flag -preserve-fds: parse error");
    BOOST_TEST(message("") == "invalid value \"\" for flag -preserve-fds: parse error");
    BOOST_TEST(message("1.5") == "invalid value \"1.5\" for flag -preserve-fds: parse error");
    BOOST_TEST(message("3 ") == "invalid value \"3 \" for flag -preserve-fds: parse error");
    BOOST_TEST(message("99999999999") ==
               "invalid value \"99999999999\" for flag -preserve-fds: value out of range");
    BOOST_TEST(create_options(verb("create", {"--preserve-fds=0", "c1"})).preserve_fds == 0);
}

BOOST_AUTO_TEST_CASE(double_dash_ends_flags) {
    auto options = create_options(verb("create", {"-b", "/b", "--", "--weird-id"}));
    BOOST_TEST(options.id == "--weird-id");
    BOOST_TEST(options.bundle == "/b");

    CommandLine line = parse_command_line({"--debug", "--", "state", "x"});
    BOOST_TEST(line.verb == "state");
    BOOST_TEST(line.verb_args == (Args{"x"}), boost::test_tools::per_element());

    // After `--`, --help is an argument, not a request for help.
    auto args = verb("state", {"--", "--help"});
    BOOST_TEST(!args.help);
    BOOST_TEST(container_id(args) == "--help");
}

BOOST_AUTO_TEST_CASE(a_lone_dash_is_an_argument) {
    auto args = verb("kill", {"-", "KILL"});
    BOOST_TEST(kill_options(args).id == "-");
}

BOOST_AUTO_TEST_CASE(missing_flag_value) {
    auto [msg, verb_name] = usage_error([] { verb("create", {"c1", "-b"}); });
    BOOST_TEST(msg == "flag needs an argument: -b");
    BOOST_TEST(verb_name == "create");
    BOOST_TEST(usage_message([] {
                   verb("create", {"c1", "--pid-file"});
               }) == "flag needs an argument: -pid-file");
}

BOOST_AUTO_TEST_CASE(bad_flag_syntax_and_unknown_flags) {
    BOOST_TEST(usage_message([] { verb("create", {"---x", "c1"}); }) == "bad flag syntax: ---x");
    BOOST_TEST(usage_message([] { verb("create", {"--=x", "c1"}); }) == "bad flag syntax: --=x");
    BOOST_TEST(usage_message([] {
                   verb("create", {"--bogus", "c1"});
               }) == "flag provided but not defined: -bogus");
    // Short flags do not combine (Go flag has no -db).
    BOOST_TEST(usage_message([] {
                   verb("run", {"-db", "/b", "c1"});
               }) == "flag provided but not defined: -db");
    // A flag of another verb is unknown here.
    BOOST_TEST(usage_message([] {
                   verb("create", {"--detach", "c1"});
               }) == "flag provided but not defined: -detach");
}

BOOST_AUTO_TEST_CASE(boolean_flags) {
    auto run = run_options(verb("run", {"-d", "--keep", "c1"}));
    BOOST_TEST(run.detach);
    BOOST_TEST(run.keep);
    auto off = run_options(verb("run", {"--detach=false", "c1"}));
    BOOST_TEST(!off.detach);
    BOOST_TEST(!off.keep);
    // A boolean never takes the next word: "true" here is the container id.
    auto word = run_options(verb("run", {"--detach", "true"}));
    BOOST_TEST(word.create.id == "true");
    BOOST_TEST(usage_message([] {
                   verb("run", {"--detach=maybe", "c1"});
               }) == "invalid boolean value \"maybe\" for -detach: parse error");
}

BOOST_AUTO_TEST_CASE(argument_counts_use_runc_phrases) {
    BOOST_TEST(usage_message([] { verb("state", {}); }) ==
               "ward: \"state\" requires exactly 1 argument(s)");
    BOOST_TEST(usage_message([] {
                   verb("start", {"a", "b"});
               }) == "ward: \"start\" requires exactly 1 argument(s)");
    BOOST_TEST(usage_message([] { verb("kill", {}); }) ==
               "ward: \"kill\" requires a minimum of 1 argument(s)");
    BOOST_TEST(usage_message([] {
                   verb("kill", {"a", "b", "c"});
               }) == "ward: \"kill\" requires a maximum of 2 argument(s)");
    BOOST_TEST(usage_message([] { verb("list", {"extra"}); }) ==
               "ward: \"list\" requires exactly 0 argument(s)");
    BOOST_TEST(usage_message([] { verb("delete", {"-f"}); }) ==
               "ward: \"delete\" requires exactly 1 argument(s)");
}

BOOST_AUTO_TEST_CASE(help_skips_the_argument_count) {
    BOOST_TEST(verb("state", {"--help"}).help);
    BOOST_TEST(verb("create", {"-h"}).help);
    BOOST_TEST(!verb("state", {"x"}).help);
}

BOOST_AUTO_TEST_CASE(empty_container_id_is_refused) {
    try {
        create_options(verb("create", {""}));
        BOOST_FAIL("no throw");
    } catch (const UsageError&) {
        BOOST_FAIL("an empty id is a value error, not a usage error");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) == "container id cannot be empty");
    }
}

BOOST_AUTO_TEST_CASE(kill_signal_and_all) {
    auto plain = kill_options(verb("kill", {"c1"}));
    BOOST_TEST(plain.signal == "SIGTERM");
    BOOST_TEST(!plain.all);
    auto late = kill_options(verb("kill", {"c1", "KILL", "--all"}));
    BOOST_TEST(late.signal == "KILL");
    BOOST_TEST(late.all);
    BOOST_TEST(kill_options(verb("kill", {"-a", "c1", "9"})).signal == "9");
}

BOOST_AUTO_TEST_CASE(list_and_spec_options) {
    BOOST_TEST((list_options(verb("list", {})).format == ListFormat::table));
    BOOST_TEST((list_options(verb("list", {"-f", "json"})).format == ListFormat::json));
    BOOST_TEST((list_options(verb("list", {"--format=json"})).format == ListFormat::json));
    BOOST_TEST(list_options(verb("list", {"-q"})).quiet);
    BOOST_TEST(usage_message([] {
                   list_options(verb("list", {"-f", "yaml"}));
               }) == "invalid format option \"yaml\": want table or json");

    auto spec = spec_options(verb("spec", {"-b", "/bundle", "--rootless"}));
    BOOST_TEST(spec.bundle == "/bundle");
    BOOST_TEST(spec.rootless);
    BOOST_TEST(spec_options(verb("spec", {})).bundle.empty());
}

BOOST_AUTO_TEST_CASE(verbs_not_implemented_accept_any_flags) {
    // containerd calls `checkpoint --image-path DIR ID`: it must reach the
    // "not implemented" error rather than fail on flags.
    auto args = verb("checkpoint", {"--image-path", "/tmp/img", "--leave-running", "c1"});
    BOOST_TEST(!args.help);
    BOOST_TEST(!args.spec->implemented);
    BOOST_TEST(verb("restore", {"--help"}).help);
}

// runc exec (SkipArgReorder): flags before the id, the command after it
// taken as is; --env, --cap and -g repeat.
BOOST_AUTO_TEST_CASE(exec_flags_end_at_the_id) {
    auto args = verb("exec", {"--env", "A=1", "-e", "B=2", "-u", "5:6", "-g", "7", "-g", "8", "-c",
                              "CAP_KILL", "--no-new-privs", "-d", "c1", "sh", "-c", "-e x"});
    auto o = exec_options(args);
    BOOST_TEST(o.id == "c1");
    BOOST_TEST(o.args == (Args{"sh", "-c", "-e x"}), boost::test_tools::per_element());
    BOOST_TEST(o.env == (Args{"A=1", "B=2"}), boost::test_tools::per_element());
    BOOST_TEST(o.user == "5:6");
    BOOST_TEST(o.extra_gids == (std::vector<uint32_t>{7, 8}), boost::test_tools::per_element());
    BOOST_TEST(o.caps == (Args{"CAP_KILL"}), boost::test_tools::per_element());
    BOOST_TEST(o.no_new_privs.value_or(false));
    BOOST_TEST(o.detach);
    BOOST_TEST(!exec_options(verb("exec", {"c1", "true"})).no_new_privs.has_value());
    auto p = exec_options(verb("exec", {"-p", "/tmp/p.json", "--detach", "c1"}));
    BOOST_TEST(p.process_file == "/tmp/p.json");
    BOOST_TEST(p.args.empty());
    BOOST_TEST(usage_message([] { verb("exec", {}); }) ==
               "ward: \"exec\" requires a minimum of 1 argument(s)");
}

// runc's ps stops parsing its own flags at the id: what follows goes to
// ps(1), dashes and all.
BOOST_AUTO_TEST_CASE(ps_passes_everything_after_the_id_to_ps) {
    auto args = verb("ps", {"-f", "json", "c1", "-o", "pid,comm", "--format", "x"});
    BOOST_TEST(args.parsed.value("format").value_or("") == "json");
    BOOST_TEST(args.parsed.positionals == (Args{"c1", "-o", "pid,comm", "--format", "x"}),
               boost::test_tools::per_element());
    BOOST_TEST(verb("ps", {"c1"}).parsed.positionals == (Args{"c1"}),
               boost::test_tools::per_element());
    BOOST_TEST(usage_message([] { verb("ps", {}); }) ==
               "ward: \"ps\" requires a minimum of 1 argument(s)");
}

BOOST_AUTO_TEST_CASE(events_and_pause_take_exactly_one_id) {
    for (const char* name : {"events", "pause", "resume"})
        BOOST_TEST(usage_message([&] {
                       verb(name, {"a", "b"});
                   }) == std::string("ward: \"") + name + "\" requires exactly 1 argument(s)");
    auto args = verb("events", {"c1", "--interval", "1s", "--stats"});
    BOOST_TEST(args.parsed.value("interval").value_or("") == "1s");
    BOOST_TEST(args.parsed.flag("stats"));
}

BOOST_AUTO_TEST_CASE(verb_lookup) {
    BOOST_TEST(find_verb("nope") == nullptr);
    BOOST_TEST(find_verb("") == nullptr);
    BOOST_REQUIRE(find_verb("h"));
    BOOST_TEST(std::string(find_verb("h")->name) == "help");
    for (const char* name : {"create", "start", "run", "state", "kill", "delete", "list", "spec",
                             "features", "update", "ps", "events", "pause", "resume", "exec"}) {
        BOOST_REQUIRE(find_verb(name));
        BOOST_TEST(find_verb(name)->implemented);
    }
    for (const char* name : {"checkpoint", "restore"}) {
        BOOST_REQUIRE(find_verb(name));
        BOOST_TEST(!find_verb(name)->implemented);
    }
}

BOOST_AUTO_TEST_CASE(table_pads_like_runc_list) {
    std::string out = format_table({{"ID", "PID", "OWNER"}, {"a-long-container-id", "42", "root"}});
    BOOST_TEST(out == "ID                    PID         OWNER\n"
                      "a-long-container-id   42          root\n");
    // Widths count code points, not bytes.
    BOOST_TEST(format_table({{"é", "x"}}) == "é           x\n");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cli_image_args)

BOOST_AUTO_TEST_CASE(run_and_create_take_a_command_only_with_image) {
    for (const char* name : {"run", "create"}) {
        BOOST_TEST(usage_message([&] {
                       create_options(verb(name, {"c1", "echo"}));
                   }) == std::string("ward: \"") + name + "\" requires exactly 1 argument(s)");
        BOOST_TEST(!image_run_options(verb(name, {"c1"})));
        auto image =
            image_run_options(verb(name, {"--image", "localhost/x:1", "c1", "--", "ls", "-l"}));
        BOOST_REQUIRE(image);
        BOOST_TEST(image->ref == "localhost/x:1");
        BOOST_TEST(image->command == (Args{"ls", "-l"}), boost::test_tools::per_element());
        BOOST_TEST(create_options(verb(name, {"--image", "r", "c1", "echo", "hi"})).id == "c1");
        BOOST_TEST(usage_message([&] {
                       image_run_options(verb(name, {"--image", "r", "-b", "/b", "c1"}));
                   }) == "--bundle and --image exclude each other: the image makes the bundle");
        BOOST_TEST(usage_message([&] {
                       image_run_options(verb(name, {"--image=", "c1"}));
                   }) == "--image needs an image name or digest");
    }
}

// As podman and docker read theirs: with --image, ward's flags end at the
// command's first word, so the command keeps its own options; before that
// word (even after the id) a flag is still ward's, and `--` still works.
BOOST_AUTO_TEST_CASE(image_command_keeps_its_flags) {
    for (const char* name : {"run", "create"}) {
        auto image = image_run_options(verb(name, {"--image", "r", "c1", "sh", "-c", "echo hi"}));
        BOOST_REQUIRE(image);
        BOOST_TEST(image->command == (Args{"sh", "-c", "echo hi"}),
                   boost::test_tools::per_element());
        // A flag between the id and the command is ward's.
        auto late = verb(name, {"c1", "--image", "r", "--pid-file", "/p", "ls", "--pid-file", "x"});
        BOOST_TEST(*late.parsed.value("pid-file") == "/p");
        BOOST_TEST(image_run_options(late)->command == (Args{"ls", "--pid-file", "x"}),
                   boost::test_tools::per_element());
        // --help after the command word is the command's.
        BOOST_TEST(!verb(name, {"--image", "r", "c1", "ls", "--help"}).help);
        // Without --image, runc's rule: flags after the id are still flags.
        BOOST_TEST(usage_message([&] {
                       verb(name, {"c1", "sh", "-c", "x"});
                   }) == "flag provided but not defined: -c");
    }
    auto o = bundle_options(verb("bundle", {"create", "--image", "r", "dir", "sh", "-c", "x"}));
    BOOST_TEST(o.dir == "dir");
    BOOST_TEST(o.command == (Args{"sh", "-c", "x"}), boost::test_tools::per_element());
    o = bundle_options(verb("bundle", {"create", "dir", "--image", "r", "env", "-i"}));
    BOOST_TEST(o.image == "r");
    BOOST_TEST(o.command == (Args{"env", "-i"}), boost::test_tools::per_element());
    // profile record keeps needing `--`: its flags may follow the bundle.
    auto rec = verb("profile", {"record", "bundle", "--out", "f.json"});
    BOOST_TEST(*rec.parsed.value("out") == "f.json");
}

BOOST_AUTO_TEST_CASE(bundle_create_needs_image_and_dir) {
    auto o = bundle_options(verb("bundle", {"create", "--image", "localhost/x:1", "dir"}));
    BOOST_TEST(o.action == "create");
    BOOST_TEST(o.image == "localhost/x:1");
    BOOST_TEST(o.dir == "dir");
    BOOST_TEST(o.command.empty());
    o = bundle_options(verb("bundle", {"create", "dir", "--image", "r", "--", "sh", "-c", "x"}));
    BOOST_TEST(o.command == (Args{"sh", "-c", "x"}), boost::test_tools::per_element());
    BOOST_TEST(usage_message([] {
                   bundle_options(verb("bundle", {"create", "dir"}));
               }) == "ward: \"bundle create\" requires --image REF");
    BOOST_TEST(usage_message([] {
                   bundle_options(verb("bundle", {"make", "--image", "r", "d"}));
               }) == "unknown bundle action \"make\": want create");
    BOOST_TEST(usage_message([] { verb("bundle", {"create"}); }) ==
               "ward: \"bundle\" requires a minimum of 2 argument(s)");
}

BOOST_AUTO_TEST_SUITE_END()
