"""A packer that ignores the budget: it packs everything and claims the budget it was given."""

from _common import arguments, build, write

args = arguments(__doc__)
document = build(args, budget=10_000_000).document
info = document["budget_info"]
info["target_budget"] = args.budget
info["utilization"] = info["actual_tokens"] / args.budget
write(args, document)
