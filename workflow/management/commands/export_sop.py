"""Write an SOP revision as a file (JSON): the one in force, or the one asked for."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from workflow.models import SopDefinition
from workflow.sop_format import write_sop


class Command(BaseCommand):
    help = (
        "Write the SOP CODE as a JSON file (the format import_sop reads): the revision in force, "
        "or --revision N; to stdout, or to --output FILE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="The SOP's code, e.g. perencanaan-kinerja.")
        parser.add_argument(
            "--revision", type=int, help="This revision instead of the one in force."
        )
        parser.add_argument("--output", help="Write to this file instead of stdout.")

    def handle(
        self, *args: Any, code: str, revision: int | None, output: str | None, **options: Any
    ) -> None:
        revisions = SopDefinition.objects.filter(code=code)
        try:
            if revision is None:
                sop = revisions.published().get()
            else:
                sop = revisions.get(revision=revision)
        except SopDefinition.DoesNotExist:
            if revision is not None:
                message = _("SOP %(code)s tidak punya revisi %(revision)d.")
            elif revisions.exists():
                message = _("SOP %(code)s tidak punya revisi yang berlaku; sebutkan --revision.")
            else:
                message = _("Tidak ada SOP dengan kode %(code)s.")
            raise CommandError(message % {"code": code, "revision": revision}) from None
        text = json.dumps(write_sop(sop), ensure_ascii=False, indent=2) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
