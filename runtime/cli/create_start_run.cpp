// create, start, run: the verbs that bring a container up.
#include "verbs.hpp"
#include "ward/trust/image_bundle.hpp"
#include "ward/trust/store.hpp"

namespace ward::cli {
namespace {

// --image REF: the config made from the store image, handed to create in
// memory (the state dir becomes the bundle).
void add_image_spec(const Context& ctx, const VerbArgs& args, container::CreateOptions& options) {
    auto image = image_run_options(args);
    if (!image)
        return;
    trust::Store store = trust::Store::open(store_dir(ctx), false);
    options.spec = trust::image_bundle_spec(store, image->ref, image->command, image->root);
}

} // namespace

int verb_create(const Context& ctx, const VerbArgs& args) {
    auto options = create_options(args);
    add_image_spec(ctx, args, options);
    container::create(ctx.lifecycle, options);
    return 0;
}

int verb_start(const Context& ctx, const VerbArgs& args) {
    container::start(ctx.lifecycle, container_id(args));
    return 0;
}

int verb_run(const Context& ctx, const VerbArgs& args) {
    auto options = run_options(args);
    add_image_spec(ctx, args, options.create);
    return container::run(ctx.lifecycle, options.create, options.detach, options.keep);
}

} // namespace ward::cli
