"""The procedure table of the signed SOP, cell by cell, as an auditor reads it on the paper.

Copied from the signed document (seed/sop-perencanaan-kinerja.txt) with only the typo fixes the
domain allows ("memerencanakan" -> "merencanakan", "kinera" -> "kinerja"); the list dashes of the
paper are layout, not words.
"""

# number: (Uraian Prosedur, Persyaratan/Kelengkapan, Waktu, Output)
SIGNED_STEPS = {
    1: (
        "Memerintahkan merencanakan kinerja",
        "Struktur organisasi, surat perintah",
        "30 menit",
        "Disposisi perintah, surat",
    ),
    2: (
        "Penyusunan anggota tim pelaksana Perencanaan kinerja",
        "Draft anggota tim",
        "1 Hari",
        "Sk tim",
    ),
    3: ("Menyusun konsep rencana kinerja", "Data kegiatan", "2 Hari", "Rencana kerja tim"),
    4: (
        "Menghimpun data rencana kinerja dan menyusun konsep laporan",
        "Data dari bidang",
        "7 Hari",
        "Konsep laporan, data-data",
    ),
    5: (
        "Laporan Kasubag / Sekretaris/ Irbn terkait data perencanaan kinerja masing-masing bagian",
        "Konsep laporan",
        "1 Hari",
        "Konsep laporan, data-data",
    ),
    6: (
        "Melakukan rapat internal dengan tim Perencanaan kinerja",
        "Data dan laporan",
        "3 Jam",
        "Konsep dokumen pengukuran kinerja",
    ),
    7: (
        "Memeriksa rencana kerja",
        "Dokumen Laporan Pengukuran Kinerja yang telah selesai",
        "2 hari",
        "Konsep dokumen pengukuran kinerja yang sudah diverifikasi",
    ),
    8: (
        "Hasil Laporan Pengukuran kinerja",
        "Laporan Pengukuran Kinerja yang telah selesai",
        "1 hari",
        "Konsep dokumen pengukuran kinerja yang sudah diverifikasi",
    ),
    9: (
        "Penggandaan dokumen, mendistribusikan dan Mengarsipkan",
        "dokumen pengukuran kinerja ditandatangani digandakan",
        "1 jam",
        "dokumen pengukuran kinerja",
    ),
}

SIGNED_CELLS = [cell for row in SIGNED_STEPS.values() for cell in row]
