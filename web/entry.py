"""The ``leitai`` console script: gevent's monkey-patching first, then everything else."""

from gevent import monkey

monkey.patch_all()

from web.cli import cli  # noqa: E402


def main() -> None:
    cli(prog_name="leitai")
