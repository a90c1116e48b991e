"""Admin of people, units, local days off, the SOP definition, cycles (state read-only), records."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .lockout import unlock
from .models import (
    Cycle,
    LocalDayOff,
    QueuedTransition,
    SopDefinition,
    SopLane,
    SopStep,
    StepRecord,
    Unit,
    UnitReport,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "nip", "jabatan", "unit", "is_active")
    list_filter = ("unit", "groups", "is_active", "is_staff")
    search_fields = ("username", "full_name", "nip", "jabatan")
    actions = ["unlock_login"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Pegawai"), {"fields": ("full_name", "nip", "golongan", "jabatan", "unit", "email")}),
        (_("Hak akses"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Waktu penting"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "nip", "unit", "password1", "password2"),
            },
        ),
    )

    @admin.action(description=_("Buka kunci masuk pegawai terpilih"))
    def unlock_login(self, request, queryset) -> None:
        """Lift the login lockout (django-axes) of the selected people."""
        try:
            removed = sum(unlock(actor=request.user, username=u.username) for u in queryset)
        except PermissionDenied:
            self.message_user(request, _("Anda tidak berwenang membuka kunci."), messages.ERROR)
            return
        self.message_user(
            request,
            _("Kunci masuk %(n)d pegawai dibuka (%(a)d percobaan gagal dihapus).")
            % {"n": queryset.count(), "a": removed},
        )


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order")


@admin.register(LocalDayOff)
class LocalDayOffAdmin(admin.ModelAdmin):
    list_display = ("date", "description")
    date_hierarchy = "date"


class SopLaneInline(admin.TabularInline):
    model = SopLane
    extra = 0
    can_delete = False
    fields = ("order", "code", "name", "holder", "role")

    def get_readonly_fields(self, request, obj=None):
        # Who holds a lane is part of the machine: fixed once a revision has cycles.
        return ("code", "holder", "role") if obj is not None and obj.has_cycles() else ()


class SopStepInline(admin.StackedInline):
    model = SopStep
    extra = 0
    can_delete = False
    fields = (
        ("number", "kind", "lane", "return_to"),
        "capabilities",
        "is_warned",
        "title",
        "requirement",
        "time_text",
        ("time_amount", "time_unit"),
        "output",
        "artefacts",
        "note",
    )

    def get_readonly_fields(self, request, obj=None):
        # Numbers, kinds and the graph are what running cycles follow: read-only once a revision
        # has cycles (a change makes a new revision, on the SOP page of the portal).
        if obj is not None and obj.has_cycles():
            return ("number", "kind", "lane", "return_to", "capabilities")
        return ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lane":
            sop_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = SopLane.objects.filter(sop_id=sop_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(SopDefinition)
class SopDefinitionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "revision", "status", "number", "approved_on")
    list_filter = ("status",)
    readonly_fields = ("code", "revision", "status", "published_at")
    inlines = [SopLaneInline, SopStepInline]

    def has_add_permission(self, request) -> bool:
        return False  # A new SOP or revision comes from the SOP page or `import_sop`.


class ReadOnlyAdmin(admin.ModelAdmin):
    """Evidence is shown, never added, changed or removed by hand."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class UnitReportInline(admin.TabularInline):
    model = UnitReport
    extra = 0
    readonly_fields = ("unit", "reported_by", "reported_at", "summary")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "state", "due_at", "record_count")
    list_filter = ("state", "year")
    search_fields = ("title",)
    # The state moves only through transitions (the portal's step forms), never by hand.
    readonly_fields = (
        "sop",
        "state",
        "pending_step",
        "team",
        "created_by",
        "created_at",
        "pending_since",
        "due_at",
        "finished_at",
        "record_count",
        "head_hash",
    )
    fields = ("title", "year", *readonly_fields)
    inlines = [UnitReportInline]

    def has_add_permission(self, request) -> bool:
        return False  # Cycles start through the portal, as the Inspektur.

    def save_model(self, request, obj: Cycle, form, change: bool) -> None:
        """Write only the fields edited here: the object was read before any transition that
        ran meanwhile, and its state and chain head belong to the workflow service."""
        edited = [name for name in form.changed_data if name not in self.readonly_fields]
        if edited:
            obj.save(update_fields=edited)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # Records point at the cycle; evidence stays.


@admin.register(StepRecord)
class StepRecordAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "seq", "step_number", "transition", "actor_name", "done_at", "on_time")
    list_filter = ("kind", "step_number", "on_time")
    search_fields = ("cycle__title", "actor_name", "actor_nip")
    list_select_related = ("cycle",)


@admin.register(QueuedTransition)
class QueuedTransitionAdmin(ReadOnlyAdmin):
    """What the task queue was asked to run and how it ended (written by the worker only)."""

    list_display = ("cycle", "transition", "actor", "status", "requested_at", "finished_at")
    list_filter = ("status", "transition")
    search_fields = ("cycle__title", "message")
    list_select_related = ("cycle", "actor")
