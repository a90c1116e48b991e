"""The SOP reads as signed: the Waktu cell as its own text, and the cells the portal had reworded
brought back to the signed wording (step 8's text, the outputs of steps 8 and 9, punctuation).

A cell is replaced only while it still holds the portal's earlier wording, so that a text an
administrator has since entered in the admin is left alone.
"""

from django.db import migrations, models

from workflow.sop_data import SIGNED_STEP_FIELDS, header_fields, load

CODE = "perencanaan-kinerja"

# The portal's earlier wording of the cells that differ from the signed text.
EARLIER_STEPS = {
    2: {
        "title": "Penyusunan anggota tim pelaksana perencanaan kinerja",
        "output": "SK Tim",
    },
    5: {
        "title": "Laporan Kasubag/Sekretaris/Irban terkait data perencanaan kinerja "
        "masing-masing bagian",
    },
    6: {"title": "Melakukan rapat internal dengan tim perencanaan kinerja"},
    7: {"requirement": "Dokumen laporan pengukuran kinerja yang telah selesai"},
    8: {
        "title": "Menyetujui dan menandatangani hasil laporan pengukuran kinerja",
        "requirement": "Laporan pengukuran kinerja yang telah selesai",
        "output": "Dokumen pengukuran kinerja yang ditandatangani",
    },
    9: {
        "title": "Penggandaan dokumen, mendistribusikan dan mengarsipkan",
        "requirement": "Dokumen pengukuran kinerja ditandatangani, digandakan",
        "output": "Dokumen pengukuran kinerja terdistribusi dan terarsip",
    },
}
EARLIER_HEADER = {
    "legal_basis": (
        "Peraturan Pemerintah Nomor 39 Tahun 2006 Tentang Tata Cara Pengendalian dan Evaluasi "
        "Pelaksanaan Rencana Pembangunan;",
        "Peraturan Pemerintah Nomor 39 Tahun 2006 Tentang 2006 Tentang Tata Cara Pengendalian "
        "dan Evaluasi Pelaksanaan Rencana Pembangunan;",
    ),
    "qualifications": (
        "Memahami sasaran dan capaian program.\n",
        "Memahami sasaran dan capaian program\n",
    ),
    "equipment": (
        "pelaksanaan program;\nInstrumen monitoring dan evaluasi kegiatan;\n"
        "Peraturan perundang-undangan yang berlaku dan terkait dengan SAKIP.",
        "pelaksanaan program\nInstrumen monitoring dan evaluasi kegiatan,\n"
        "Peraturan perundang-undangan yang berlaku dan terkait dengan SAKIP",
    ),
    "recording": (
        "Disimpan dalam bentuk softfile dan hardfile.",
        "Disimpan dalam bentuk softfile dan hardfile",
    ),
}
EARLIER_RPJM = ("(RPJM)", "( RPJM )")


def forwards(apps, schema_editor):
    SopDefinition = apps.get_model("workflow", "SopDefinition")
    SopStep = apps.get_model("workflow", "SopStep")
    data = load("perencanaan_kinerja")
    signed_steps = {step["number"]: step for step in data["steps"]}
    for step in SopStep.objects.filter(sop__code=CODE):
        signed = signed_steps.get(step.number)
        if signed is None:
            continue
        changed = []
        for name in SIGNED_STEP_FIELDS:
            current = getattr(step, name)
            earlier = EARLIER_STEPS.get(step.number, {}).get(name)
            if current != signed[name] and (
                (name == "time_text" and not current) or current == earlier
            ):
                setattr(step, name, signed[name])
                changed.append(name)
        if changed:
            step.save(update_fields=changed)

    header = header_fields(data)
    for sop in SopDefinition.objects.filter(code=CODE):
        changed = []
        for name, (earlier, signed_part) in EARLIER_HEADER.items():
            text = getattr(sop, name)
            if earlier in text:
                setattr(sop, name, text.replace(earlier, signed_part))
                changed.append(name)
        if EARLIER_RPJM[0] in sop.qualifications:
            sop.qualifications = sop.qualifications.replace(*EARLIER_RPJM)
            changed.append("qualifications")
        # Only where the whole field now equals the data file: a partial match means a text
        # edited by hand, which stays as the administrator left it.
        kept = [n for n in set(changed) if getattr(sop, n) == header[n]]
        if kept:
            sop.save(update_fields=kept)


def backwards(apps, schema_editor):
    SopDefinition = apps.get_model("workflow", "SopDefinition")
    SopStep = apps.get_model("workflow", "SopStep")
    signed_steps = {step["number"]: step for step in load("perencanaan_kinerja")["steps"]}
    for step in SopStep.objects.filter(sop__code=CODE):
        changed = []
        for name, earlier in EARLIER_STEPS.get(step.number, {}).items():
            if getattr(step, name) == signed_steps[step.number][name]:
                setattr(step, name, earlier)
                changed.append(name)
        if changed:
            step.save(update_fields=changed)
    for sop in SopDefinition.objects.filter(code=CODE):
        for name, (earlier, signed_part) in EARLIER_HEADER.items():
            setattr(sop, name, getattr(sop, name).replace(signed_part, earlier))
        sop.qualifications = sop.qualifications.replace(EARLIER_RPJM[1], EARLIER_RPJM[0])
        sop.save(update_fields=[*EARLIER_HEADER, "qualifications"])


class Migration(migrations.Migration):
    dependencies = [("workflow", "0004_step_record_corrections")]

    operations = [
        migrations.AddField(
            model_name="sopstep",
            name="time_text",
            field=models.CharField(
                default="",
                help_text=(
                    'Isi kolom Waktu persis seperti pada SOP yang ditandatangani, mis. "1 Hari". '
                    "Jumlah dan satuan di atas dipakai untuk menghitung batas waktu dalam "
                    "waktu kerja."
                ),
                max_length=50,
                verbose_name="waktu (seperti ditandatangani)",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(forwards, backwards),
    ]
