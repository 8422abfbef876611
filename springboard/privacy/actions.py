"""What each audit action code means, in the reader's language.

Services record a stable code (`programme.create`); pages show its label. Every code a service
records has a label here: tests/test_no_english_leftovers.py finds the codes in the source and
fails on one without a label. A code missing here (an old event of a removed action) is shown as
it is.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    # members and invitations
    "invitation.create": _("Invitation created"),
    "invitation.revoke": _("Invitation withdrawn"),
    "invitation.accept": _("Invitation accepted"),
    "invitation_sheet.download": _("Day-0 invitation sheet downloaded"),
    "membership.change_role": _("Role changed"),
    "membership.deactivate": _("Member deactivated"),
    "membership.reactivate": _("Member reactivated"),
    # employers, engagements, cohorts, enrolment
    "employer.create": _("Employer added"),
    "employer.update": _("Employer changed"),
    "engagement.create": _("Engagement created"),
    "engagement.update": _("Engagement changed"),
    "engagement.programme_template": _("Programme template of an engagement chosen"),
    "checklist_template.update": _("Checklist template changed"),
    "cohort.create": _("Cohort created"),
    "enrolment.create": _("Candidate enrolled"),
    "enrolment.employer_consent": _("Candidate's choice about sharing status with the employer"),
    "enrolment_import.upload": _("HR file uploaded"),
    "enrolment_import.start": _("HR file import started"),
    "enrolment_import.retry": _("HR file import retried"),
    "enrolment_import.finish": _("HR file import finished"),
    # programmes
    "programme.create": _("Programme started"),
    "programme.bulk_start": _("Programmes started for several people at once"),
    "programme.assign_coaches": _("Coaches assigned"),
    "programme.intake_complete": _("Intake completed"),
    "programme.plan_item_add": _("Plan item added"),
    "programme.plan_item_edit": _("Plan item changed"),
    "programme.transition": _("Programme status changed"),
    "programme_template.new_version": _("New version of a programme template"),
    # wellbeing
    "wellbeing.consent_give": _("Consent to wellbeing check-ins given"),
    "wellbeing.consent_withdraw": _("Consent to wellbeing check-ins withdrawn"),
    "wellbeing.read": _("Wellbeing check-ins viewed"),
    # tests and questionnaires
    "assessments.results_read": _("A candidate's test results viewed"),
    "assessments.answers_read": _("A candidate's test answers viewed"),
    "opportunities.read": _("Candidate's opportunities read"),
    # competence profile
    "profile.read": _("Competence profile viewed"),
    "profile.comment_add": _("Comment on a competence profile added"),
    "profile.skill_confirm": _("Skill in a competence profile confirmed by a coach"),
    "profile.skill_unconfirm": _("Coach's confirmation of a skill withdrawn"),
    # network
    "network.import": _("Contacts imported"),
    "network.share": _("Network shared with the coaches"),
    "network.share_withdraw": _("Network sharing withdrawn"),
    "network.read": _("Shared network viewed"),
    "jobs.pipeline.read": _("Job-search pipeline viewed"),
    # CVs and letters
    "cv.list": _("CVs and letters of a candidate listed"),
    "cv.read": _("CV viewed"),
    "cv.download": _("CV downloaded"),
    "cv.export": _("CV exported (JSON Resume)"),
    "letter.read": _("Cover letter viewed"),
    "letter.download": _("Cover letter downloaded"),
    # outcomes and aftercare
    "outcome.record": _("Outcome recorded"),
    "outcome.confirm": _("Outcome confirmed by the candidate"),
    "outcome.view": _("Outcome viewed by staff"),
    "outcome.checkin_answer": _("Aftercare check-in answered"),
    "outcomes.dashboard_view": _("Outcomes dashboard viewed"),
    # coaching
    "coaching.session_book": _("Coaching session booked or proposed"),
    "coaching.session_confirm": _("Coaching session confirmed"),
    "coaching.session_reschedule": _("Coaching session moved"),
    "coaching.session_cancel": _("Coaching session cancelled"),
    "coaching.session_attendance": _("Attendance of a coaching session recorded"),
    "coaching.note_add": _("Coaching note written"),
    "coaching.read": _("Coaching data viewed"),
    "coaching.feed_regenerate": _("Calendar address made"),
    "coaching.feed_revoke": _("Calendar address stopped"),
    "coaching.policy_set": _("Choice of coach for an engagement changed"),
    "coaching.coach_choose": _("Coach chosen by the candidate"),
    "coaching.change_request": _("Another coach requested"),
    "coaching.change_decide": _("Request for another coach decided"),
    "coaching.workshop_create": _("Workshop or module added to the catalogue"),
    "coaching.workshop_signup": _("Signed up for a workshop"),
    "coaching.workshop_cancel": _("Workshop place given back"),
    "coaching.material_add": _("Workshop material added"),
    "coaching.budget_entry": _("Personal budget entry added"),
    "coaching.training_request": _("External training requested"),
    "coaching.training_decide": _("External training request decided"),
    # API tokens
    "api_token.create": _("API token created"),
    "api_token.revoke": _("API token revoked"),
    "api_token.refused": _("API token refused"),
    # staff single sign-on
    "sso.sign_in": _("Signed in through the agency's identity provider"),
    "sso.link": _("Identity provider account linked"),
    "sso.refused": _("Single sign-on refused"),
    "sso.idp_create": _("Identity provider added"),
    "sso.idp_update": _("Identity provider changed"),
    "sso.idp_test": _("Identity provider tested"),
    "sso.idp_enable": _("Identity provider enabled"),
    "sso.idp_disable": _("Identity provider disabled"),
    # data exports
    "export.request": _("Data export requested"),
    "export.request_for_member": _("Data export prepared for a member on request"),
    "export.download": _("Data export downloaded"),
    "export.expire": _("Expired data export removed"),
    "export.operator": _("Data export written by an operator"),
    "alumni.notice_sent": _("Notice sent that read-only access ends soon"),
    # consents
    "consent.grant": _("Consent given"),
    "consent.withdraw": _("Consent withdrawn"),
    # erasure and retention
    "erasure.request": _("Erasure of personal data requested"),
    "erasure.person": _("Personal data of a person erased"),
    "erasure.refuse": _("Erasure request refused"),
    "erasure.retention": _("Personal data erased after the retention period"),
    "privacy.settings_update": _("Privacy settings changed"),
    # mock interviews
    "jobs.mock.create": _("Mock interview created"),
    "jobs.mock.score": _("Mock interview scores written"),
    "jobs.mock.share": _("Mock interview shared with the candidate"),
    "jobs.mock.read": _("Mock interview scores read by a coach"),
}

# What an event is about: `AuditEvent.target_type` is a model label.
TARGET_LABELS: dict[str, Promise] = {
    "accounts.user": _("Account"),
    "accounts.invitation": _("Invitation"),
    "tenancy.agency": _("Agency"),
    "tenancy.employer": _("Employer"),
    "tenancy.membership": _("Member"),
    "employers.engagement": _("Engagement"),
    "employers.cohort": _("Cohort"),
    "employers.checklisttemplate": _("Checklist template"),
    "employers.cohorttask": _("Checklist step"),
    "employers.enrolment": _("Enrolment"),
    "employers.enrolmentimport": _("HR file import"),
    "programmes.programmetemplate": _("Programme template"),
    "programmes.programmetemplateversion": _("Programme template"),
    "programmes.programme": _("Programme"),
    "programmes.planitem": _("Plan item"),
    "programmes.engagementprogramme": _("Engagement"),
    "programmes.bulkstart": _("Programme start for several people"),
    "assessments.attempt": _("Test or questionnaire"),
    "coaching.session": _("Coaching session"),
    "coaching.note": _("Coaching note"),
    "coaching.coachchangerequest": _("Request for another coach"),
    "coaching.workshop": _("Workshop or module"),
    "coaching.workshopseat": _("Workshop place"),
    "coaching.workshopmaterial": _("Workshop material"),
    "coaching.budgetentry": _("Personal budget entry"),
    "coaching.trainingrequest": _("External training request"),
    "privacy.consent": _("Consent"),
    "privacy.exportjob": _("Data export"),
    "privacy.erasurerequest": _("Erasure request"),
    "accounts.apitoken": _("API token"),
    "accounts.agencyidentityprovider": _("Identity provider"),
    "jobs.mockinterview": _("Mock interview"),
}


def action_label(code: str) -> str:
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def target_label(model_label: str) -> str:
    label = TARGET_LABELS.get(model_label)
    return str(label) if label is not None else model_label
