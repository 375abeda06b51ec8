// ps: the processes of a container. `--format json` prints the array of
// their pids (what containerd reads); the table runs the host's ps(1) with
// the arguments after the id (default -ef) and keeps its header and the
// rows whose PID column is one of the container's, as runc does.
#include "verbs.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ward::cli {
namespace {

// Runs ps with `ps_args`, stdout and stderr into one string (runc reports
// both when ps fails). Throws when ps cannot run or exits non-zero.
std::string run_ps(const std::vector<std::string>& ps_args) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) < 0)
        fail_errno("pipe");
    UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), 1);
    posix_spawn_file_actions_adddup2(&actions, write_end.get(), 2);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>("ps"));
    for (const auto& arg : ps_args)
        argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    int rc = ::posix_spawnp(&pid, "ps", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        if (rc == ENOENT)
            fail("exec: \"ps\": executable file not found in $PATH");
        fail_errno("exec ps", rc);
    }
    write_end.reset();
    std::string output = read_fd(read_end.get());
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            fail_errno("wait for ps");
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        fail("exit status " + std::to_string(WEXITSTATUS(status)) + ": " + output);
    if (WIFSIGNALED(status))
        fail("ps killed by signal " + std::to_string(WTERMSIG(status)) + ": " + output);
    return output;
}

std::vector<std::string> fields_of(std::string_view line) {
    std::vector<std::string> fields;
    for (auto& f : split(line, ' '))
        for (auto& g : split(f, '\t'))
            if (!g.empty())
                fields.push_back(g);
    return fields;
}

std::string ps_table(const std::vector<int>& pids, const std::vector<std::string>& ps_args) {
    std::string output = run_ps(ps_args.empty() ? std::vector<std::string>{"-ef"} : ps_args);
    auto lines = split(output, '\n');
    auto header = fields_of(lines.empty() ? "" : lines[0]);
    auto pid_column = std::find(header.begin(), header.end(), "PID");
    if (pid_column == header.end())
        fail("couldn't find PID field in ps output");
    size_t index = static_cast<size_t>(pid_column - header.begin());
    std::string out = lines[0] + "\n";
    for (size_t i = 1; i < lines.size(); ++i) {
        if (lines[i].empty())
            continue;
        auto fields = fields_of(lines[i]);
        auto pid = index < fields.size() ? parse_int(fields[index]) : std::nullopt;
        if (!pid)
            fail("unable to parse pid: " + quote(lines[i]));
        if (std::find(pids.begin(), pids.end(), *pid) != pids.end())
            out += lines[i] + "\n";
    }
    return out;
}

} // namespace

int verb_ps(const Context& ctx, const VerbArgs& args) {
    const auto& positionals = args.parsed.positionals;
    std::string id = container_id(args);
    std::vector<int> pids = container::processes(ctx.lifecycle, id);
    std::string format = args.parsed.value("format").value_or("table");
    if (format == "json") {
        // Always an array; runc prints `null` for none, which its readers
        // also take as empty.
        std::string out = "[";
        for (size_t i = 0; i < pids.size(); ++i)
            out += (i ? "," : "") + std::to_string(pids[i]);
        print_out(out + "]\n");
        return 0;
    }
    if (format != "table")
        fail("invalid format option");
    print_out(ps_table(pids, std::vector<std::string>(positionals.begin() + 1, positionals.end())));
    return 0;
}

} // namespace ward::cli
