// The order of the rootfs steps (runtime-spec "create" + runc's order):
// before the createContainer hooks everything that needs the host's view
// (bind sources, host device nodes, the host /proc); after them the pivot
// and what must happen inside the new root.
#include "ward/linux/rootfs.hpp"

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/linux/mount_api.hpp"
#include "ward/linux/mount_options.hpp"
#include "ward/linux/procfs.hpp"
#include "ward/linux/rootfs_steps.hpp"

#include <fcntl.h>
#include <sys/mount.h>

namespace ward::linux {

namespace {

// linux.rootfsPropagation as MS_* flags; 0 when unset.
unsigned long rootfs_propagation(const spec::Spec& spec) {
    if (!spec.linux || spec.linux->rootfs_propagation.empty())
        return 0;
    const std::string& value = spec.linux->rootfs_propagation;
    MountOptions options = parse_mount_options({value});
    if (options.propagation.size() != 1 || options.flags || options.cleared ||
        !options.data.empty())
        fail("linux.rootfsPropagation " + quote(value) +
             " is not one of shared, slave, private, unbindable (or their r- forms)");
    return options.propagation.front();
}

void check_context(const RootfsContext& ctx) {
    if (!ctx.spec)
        fail("rootfs: no spec");
}

} // namespace

UniqueFd prepare_rootfs(const RootfsContext& ctx) {
    check_context(ctx);
    if (!ctx.handles || !ctx.handles->rootfs_tree)
        fail("rootfs: not opened");
    if (ctx.handles->source_trees.size() != ctx.spec->mounts.size())
        fail("rootfs: mount sources do not match the config's mounts");
    rootfs_propagation(*ctx.spec); // a bad value fails before anything is mounted
    // Nothing done in here may reach the host's mount table.
    if (::mount("", "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0)
        fail_errno("make / rslave");
    // The rootfs is the detached copy create made of the directory it
    // checked; pivot_root needs it attached in this namespace. Where it is
    // attached does not matter (this namespace is private and the old root
    // goes at the pivot): over root.path's name here, which is only a place.
    // The copy is the fd every later path is resolved from, and what
    // enter_rootfs pivots into.
    UniqueFd root = std::move(ctx.handles->rootfs_tree);
    with_context("bind rootfs " + ctx.rootfs, [&] {
        if (ctx.readonly_from_start)
            set_mount_attrs(root.get(), MOUNT_ATTR_RDONLY, 0, true);
        UniqueFd place(::open(ctx.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!place)
            fail_errno("open " + ctx.rootfs);
        attach_mount(root.get(), place.get());
    });
    for (size_t i = 0; i < ctx.spec->mounts.size(); ++i)
        apply_mount(ctx, root.get(), ctx.spec->mounts[i], std::move(ctx.handles->source_trees[i]));
    setup_dev(ctx, root.get());
    return root;
}

void enter_rootfs(const RootfsContext& ctx, int root_mount) {
    check_context(ctx);
    unsigned long propagation = rootfs_propagation(*ctx.spec);
    // The procfs handle for the writes after the pivot is made while the
    // host's /proc is still in this mount namespace (linux/procfs.hpp).
    prepare_procfs();
    if (ctx.no_pivot)
        move_into(root_mount);
    else
        pivot_into(root_mount);
    UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root)
        fail_errno("open new root");
    // Sysctls go in through ward's procfs handle, never the container's
    // /proc; still before readonlyPaths, in runc's order.
    apply_sysctls(*ctx.spec);
    if (const auto& linux = ctx.spec->linux) {
        if (linux->readonly_paths)
            apply_readonly_paths(root.get(), *linux->readonly_paths);
        if (linux->masked_paths)
            apply_masked_paths(root.get(), *linux->masked_paths);
    }
    if (ctx.spec->root && ctx.spec->root->readonly.value_or(false))
        with_context("remount / read-only",
                     [&] { set_mount_attrs(root.get(), MOUNT_ATTR_RDONLY, 0, false); });
    if (propagation)
        with_context("linux.rootfsPropagation " + quote(ctx.spec->linux->rootfs_propagation),
                     [&] { set_propagation(root.get(), propagation); });
}

} // namespace ward::linux
