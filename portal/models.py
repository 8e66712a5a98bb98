"""Import every feature's models so SQLAlchemy and Alembic see the whole schema."""

from portal.audit.models import AuditEvent  # noqa: F401
from portal.auth.models import Role, User  # noqa: F401
from portal.events.models import (  # noqa: F401
    ConferenceSlot,
    Event,
    EventAttendance,
    EventInvitation,
)
from portal.interactions.models import (  # noqa: F401
    Interaction,
    InteractionParticipant,
    InteractionRevision,
)
from portal.messaging.models import (  # noqa: F401
    Campaign,
    Delivery,
    DeliveryAttempt,
    Message,
    MessageTemplate,
    NotificationPreference,
    Segment,
    TemplateVariant,
)
from portal.needs.models import Feedback, FeedbackReply, Need  # noqa: F401
from portal.outcomes.models import (  # noqa: F401
    BehaviourIncident,
    DailyAttendance,
    Grade,
    Intervention,
    InterventionNote,
    Program,
    ProgramEnrollment,
)
from portal.people.models import (  # noqa: F401
    AcademicTerm,
    Consent,
    CounsellorAssignment,
    Course,
    District,
    Enrollment,
    GradingPeriod,
    Guardian,
    School,
    Section,
    Student,
    StudentGuardian,
)
from portal.risk.models import RiskAssessment, RiskRuleSet  # noqa: F401
