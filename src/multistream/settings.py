"""Every knob of Multistream, in one pydantic-settings class.

Values come from the environment (or a `.env` file in the working directory). Every knob
has a development default, so a fresh checkout runs against the local services that
`multistream services up` starts without any configuration. The connection URLs of those
services default to the configured local ports; set `DATABASE_URL` and friends to point
at managed services instead.

In production (`MULTISTREAM_ENV=production`) the application refuses to start with a
weak or development secret, development LiveKit keys or origins, or no TLS in front of it
(`multistream.production` says which and what to set).
"""

from __future__ import annotations

import enum
import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from multistream.production import (
    DEV_LIVEKIT_API_KEY,
    DEV_LIVEKIT_API_SECRET,
    DEV_POSTGRES_PASSWORD,
    DEV_S3_SECRET_KEY,
    DEV_SECRET_KEY,
    production_refusals,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Environment(enum.StrEnum):
    development = "development"
    test = "test"
    production = "production"


class StorageBackend(enum.StrEnum):
    s3 = "s3"
    filesystem = "filesystem"


RateText = Annotated[str, Field(pattern=r"^[1-9][0-9]{0,6}/[1-9][0-9]{0,5}$")]
"""A rate limit: "COUNT/SECONDS"."""


def _env(*names: str) -> AliasChoices:
    """Read a field from exactly these variable names, without the MULTISTREAM_ prefix."""
    return AliasChoices(*names)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MULTISTREAM_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # --- process -------------------------------------------------------------------
    env: Environment = Environment.development
    log_level: str = "INFO"
    log_json: bool = True
    api_host: str = "127.0.0.1"
    api_port: Annotated[int, Field(ge=1, le=65535)] = 8470
    public_url: str = ""
    """Where browsers reach the api; defaults to http://{api_host}:{api_port}."""
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)
    """Signs short-lived URLs of the filesystem store and other server-side tokens."""
    trusted_proxies: list[str] = []
    """Addresses or networks (CIDR) of the reverse proxies in front of the api, whose
    X-Forwarded-For and X-Forwarded-Proto are believed: the client's address (per-address
    limits, logs) is the last one in X-Forwarded-For that is not one of them. Empty: the
    address the connection comes from. Required in production (TLS ends at a proxy)."""
    json_body_max_bytes: Annotated[int, Field(ge=1024, le=64 * 1024**2)] = 1024**2
    """Largest request body outside the upload routes; bigger ones get 413 before they are
    read (uploads have `asset_max_bytes`)."""

    # --- LTI 1.3 (docs/lti.md) -------------------------------------------------------
    lti_private_key: SecretStr | None = None
    """The tool's RSA private key (PEM) that signs deep linking responses and service
    calls to the LMS; its public half is at /lti/jwks. Unset: MULTISTREAM_LTI_PRIVATE_KEY_FILE,
    else a key generated on first run in {data_dir}/lti-keys (like the local provider's)."""
    lti_private_key_file: Path | None = None
    lti_launch_state_seconds: Annotated[int, Field(ge=30, le=3600)] = 600
    """How long an OIDC login may take to come back as a launch (state and nonce)."""
    lti_roster_sync_interval_seconds: Annotated[int, Field(ge=0, le=7 * 86400)] = 900
    """A teacher's launch from an LMS course offering its roster queues a roster sync on the
    worker at most this often per course; 0: only when a host asks."""

    # --- local services (used by `multistream services`) ----------------------------
    data_dir: Path = PROJECT_ROOT / ".multistream"
    postgres_port: Annotated[int, Field(ge=1, le=65535)] = 55432
    postgres_user: str = "multistream"
    postgres_password: SecretStr = SecretStr(DEV_POSTGRES_PASSWORD)
    postgres_db: str = "multistream"
    redis_port: Annotated[int, Field(ge=1, le=65535)] = 56379
    minio_port: Annotated[int, Field(ge=1, le=65535)] = 59000
    minio_console_port: Annotated[int, Field(ge=1, le=65535)] = 59001
    livekit_port: Annotated[int, Field(ge=1, le=65535)] = 57880
    livekit_rtc_tcp_port: Annotated[int, Field(ge=1, le=65535)] = 57881
    livekit_rtc_udp_port: Annotated[int, Field(ge=1, le=65535)] = 57882

    # --- connections ----------------------------------------------------------------
    database_url: str = Field("", validation_alias=_env("DATABASE_URL"))
    redis_url: str = Field("", validation_alias=_env("REDIS_URL"))
    storage_backend: StorageBackend = Field(
        StorageBackend.s3, validation_alias=_env("STORAGE_BACKEND")
    )
    storage_dir: Path | None = Field(None, validation_alias=_env("STORAGE_DIR"))
    """Root folder of the filesystem store; defaults to {data_dir}/storage."""
    s3_endpoint_url: str = Field("", validation_alias=_env("S3_ENDPOINT_URL"))
    s3_region: str = Field("us-east-1", validation_alias=_env("S3_REGION"))
    s3_access_key_id: str = Field("multistream", validation_alias=_env("S3_ACCESS_KEY_ID"))
    s3_secret_access_key: SecretStr = Field(
        SecretStr(DEV_S3_SECRET_KEY), validation_alias=_env("S3_SECRET_ACCESS_KEY")
    )
    s3_bucket: str = Field("multistream", validation_alias=_env("S3_BUCKET"))
    presigned_url_ttl_seconds: Annotated[int, Field(ge=10, le=3600)] = 300
    livekit_url: str = Field("", validation_alias=_env("LIVEKIT_URL"))
    """Empty string disables live media (the api reports it as `disabled`)."""
    livekit_api_key: str = Field(DEV_LIVEKIT_API_KEY, validation_alias=_env("LIVEKIT_API_KEY"))
    livekit_api_secret: SecretStr = Field(
        SecretStr(DEV_LIVEKIT_API_SECRET), validation_alias=_env("LIVEKIT_API_SECRET")
    )
    media_enabled: bool = True
    """False when the machine has no LiveKit server: classes run without live media."""
    media_retry_interval_seconds: Annotated[float, Field(gt=0, le=600)] = 10.0
    """How often the rooms of live classes with degraded media are tried again."""

    # --- identity -------------------------------------------------------------------
    auth_provider: Literal["local", "clerk"] = "local"
    """Whose tokens the api trusts: the built-in local provider's, or Clerk's."""
    allowed_origins: list[str] = []
    """Origins of the web app: CORS, and the `azp` claims tokens may carry. Defaults to
    the public URL and the Vite dev server."""
    jwt_leeway_seconds: Annotated[int, Field(ge=0, le=300)] = 30
    jwks_cache_seconds: Annotated[int, Field(ge=0, le=86400)] = 300
    jwks_refresh_cooldown_seconds: Annotated[float, Field(ge=0, le=600)] = 5.0
    """Least time between two refetches of the JWKS for an unknown key id (a flood of
    made-up key ids must not become a flood of requests to Clerk)."""
    access_token_ttl_seconds: Annotated[int, Field(ge=60, le=3600)] = 900
    refresh_token_ttl_seconds: Annotated[int, Field(ge=3600, le=90 * 86400)] = 30 * 86400
    login_max_failures: Annotated[int, Field(ge=1, le=100)] = 10
    """Failed sign-ins in a row, for one account from one address, before each further
    attempt from that address must wait (1 s, then twice as long each time)."""
    login_lockout_seconds: Annotated[int, Field(ge=1, le=86400)] = 900
    """The longest of those waits."""
    login_failure_memory_seconds: Annotated[int, Field(ge=60, le=30 * 86400)] = 86400
    """Failed sign-ins of an account from an address are forgotten this long after the last
    one (or at a successful sign-in from that address)."""
    idempotency_claim_timeout_seconds: Annotated[float, Field(gt=0, le=3600)] = 60.0
    """How long an `Idempotency-Key` may stay claimed by a request that has not answered
    before a retry takes it over (its api process died mid-request); far above any request."""
    clerk_issuer: str = ""
    """e.g. https://your-app.clerk.accounts.dev (required when auth_provider is clerk)."""
    clerk_publishable_key: str = ""
    """The publishable key (pk_test_… / pk_live_…) the web app starts Clerk's React SDK
    with; served to it by `GET /auth/config`."""
    clerk_jwks_url: str = ""
    """Defaults to {clerk_issuer}/.well-known/jwks.json."""
    clerk_webhook_secret: SecretStr = SecretStr("")
    """The Svix signing secret (whsec_…) of the Clerk webhook endpoint."""

    # --- rate limits ("COUNT/SECONDS": at most COUNT in a window of SECONDS) ---------
    rate_limit_chat: RateText = "10/10"
    """Chat messages one person may send in a class."""
    rate_limit_chat_session: RateText = "300/10"
    """Chat messages a whole class may receive."""
    rate_limit_questions: RateText = "5/60"
    rate_limit_questions_session: RateText = "200/60"
    rate_limit_votes: RateText = "20/10"
    """Poll votes and question upvotes of one person."""
    rate_limit_votes_session: RateText = "10000/10"
    rate_limit_reactions: RateText = "30/10"
    rate_limit_reactions_session: RateText = "20000/10"
    rate_limit_joins: RateText = "20/60"
    """Joins of a class (media token and state) by one person."""
    rate_limit_joins_session: RateText = "3000/10"
    """Joins of one class by everyone."""
    rate_limit_signups_address: RateText = "1000/3600"
    """Sign-ups from one client address (a campus behind one address signs up together)."""
    rate_limit_login_failures_address: RateText = "300/600"
    """Failed sign-ins from one client address, whatever the accounts; past it every sign-in
    from that address waits for the window's end."""

    # --- interactions: throttled announcements (see aggregator/) -----------------------
    tally_interval_seconds: Annotated[float, Field(gt=0, le=60)] = 0.5
    """Least time between two `poll.tally` (and two `qa.votes_changed`) events of a class."""
    aggregator_tick_seconds: Annotated[float, Field(gt=0, le=5)] = 0.1
    """How often the aggregator looks for new votes and reactions to announce."""

    # --- studio uploads and rendering -------------------------------------------------
    asset_max_bytes: Annotated[int, Field(ge=1024, le=2 * 1024**3)] = 50 * 1024**2
    """Largest file a slide deck or image upload may be; bigger ones are refused (413)."""
    deck_max_pages: Annotated[int, Field(ge=1, le=5000)] = 300
    """A slide deck with more pages fails to render with a reason saying so."""
    render_soft_time_limit_seconds: Annotated[int, Field(ge=1, le=3600)] = 300
    """Time a deck may take to render; past it the asset fails with a reason."""
    render_hard_time_limit_seconds: Annotated[int, Field(ge=2, le=3600)] = 330
    """Past it the worker process rendering the deck is killed (a backstop for a page the
    renderer cannot leave); must be above the soft limit."""
    celery_queue: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")] = "celery"
    """The queue background tasks are sent to and the worker consumes (tests use one per
    run, so parallel runs never take each other's tasks)."""

    # --- speech recognition (artifact pipeline) ----------------------------------------
    asr_engine: Literal["whisper", "pocketsphinx"] = "whisper"
    """faster-whisper with the installed Whisper weights, or PocketSphinx (small fallback)."""
    asr_model: Literal["base", "small"] = "base"
    """Whisper size; base is installed with the package, small needs its own packages."""
    asr_language: str = "en"
    """Language spoken in classes (ISO 639-1); empty lets Whisper detect it per chunk."""
    asr_threads: Annotated[int, Field(ge=1, le=64)] = 2
    """CPU threads one transcription uses (per worker process)."""
    asr_chunk_seconds: Annotated[float, Field(ge=5, le=600)] = 60.0
    """Target length of the chunks long audio is cut into, at the quietest nearby moment."""
    asr_chunk_max_seconds: Annotated[float, Field(ge=5, le=900)] = 90.0
    """No chunk is longer than this, quiet moment or not."""
    asr_cache_dir: Path | None = None
    """Where the Whisper model is joined from its packages; defaults to {data_dir}/models."""

    # --- recording --------------------------------------------------------------------
    recorder: Literal["participant", "egress"] = "participant"
    """Who records a class: a hidden participant run by the worker (self-hosted default),
    or LiveKit Egress writing to the bucket (needs LiveKit's egress service)."""
    recorder_poll_seconds: Annotated[float, Field(gt=0, le=60)] = 1.0
    """How often a participant recorder checks whether its class is still live, whether a
    class waits for a recorder, and what its program shows (scene, slide, stage)."""
    recorder_capacity: Annotated[int, Field(ge=1, le=64)] = 4
    """Classes one `multistream recorder` process records at once (`bench/recorder`: about
    0.2 of a core each at 1280x720, 15 fps)."""
    recorder_metrics_port: Annotated[int, Field(ge=0, le=65535)] = 9472
    """Where a `multistream recorder` process serves its Prometheus metrics (/metrics on all
    interfaces); 0: not served. One recorder per machine, or one port each."""
    worker_metrics_port: Annotated[int, Field(ge=0, le=65535)] = 9471
    """Where a `multistream worker` serves the metrics of all its pool processes
    (prometheus_client's multiprocess mode); 0: not served."""
    recorder_lease_seconds: Annotated[float, Field(ge=3, le=300)] = 15.0
    """A recorder renews its hold on a class every third of this; a class whose recorder
    has not renewed it for this long is taken over by another recorder."""
    recorder_claim_timeout_seconds: Annotated[float, Field(gt=0, le=600)] = 10.0
    """A live class without a recorder for this long is reported (`recording.failed`,
    the studio's health strip, `multistream_recordings_unrecorded_total`)."""
    recording_video: bool = True
    """Record the program (camera, screen, slides as the scenes say, with the room's
    audio) as MP4 video; false: the room's audio only, as a WAV file."""
    recording_width: Annotated[int, Field(ge=320, le=3840, multiple_of=2)] = 1280
    recording_height: Annotated[int, Field(ge=180, le=2160, multiple_of=2)] = 720
    recording_fps: Annotated[int, Field(ge=5, le=60)] = 15
    recording_segment_seconds: Annotated[float, Field(ge=2, le=600)] = 10.0
    """The recording is stored in pieces this long as it is made: a recorder that crashes
    loses at most one piece (and the time until another recorder takes over)."""

    # --- classes that end by themselves -------------------------------------------------
    session_abandoned_after_seconds: Annotated[float, Field(gt=0, le=86400)] = 900.0
    """A live class with no teacher or TA connected for this long ends by itself."""
    session_overtime_grace_seconds: Annotated[float, Field(ge=0, le=86400)] = 1800.0
    """A live class this long past its scheduled end ends by itself."""
    session_end_warning_seconds: Annotated[float, Field(ge=0, le=3600)] = 120.0
    """`session.ending_soon` comes this long before a class ends by itself."""
    session_watch_interval_seconds: Annotated[float, Field(gt=0, le=600)] = 5.0
    """How often the api looks for classes to warn or end, and for unrecorded classes."""

    # --- artifact pipeline (see docs/pipeline.md) -------------------------------------
    celery_asr_queue: Annotated[str, Field(pattern=r"^([A-Za-z0-9][A-Za-z0-9._:-]{0,99})?$")] = ""
    """Queue of the transcription chunk tasks, for workers that only run speech recognition;
    empty: the main queue (`celery_queue`)."""
    celery_visibility_timeout_seconds: Annotated[int, Field(ge=1, le=86400)] = 3600
    """A task whose worker died unacknowledged goes back on its queue after this long;
    pipeline tasks must finish well within it, or they run twice."""
    pipeline_max_retries: Annotated[int, Field(ge=0, le=50)] = 8
    """Times a pipeline step is retried after a transient failure (storage, broker,
    database) before its run fails."""
    pipeline_recording_wait_seconds: Annotated[float, Field(ge=1, le=86400)] = 3600.0
    """How long a run waits for its recording to reach storage (a recorder uploading,
    Egress finishing the file), looking every second, before it fails."""
    pipeline_retry_backoff_seconds: Annotated[float, Field(gt=0, le=600)] = 2.0
    """Wait before the first retry of a step; each retry waits twice as long as the last."""
    pipeline_retry_backoff_max_seconds: Annotated[float, Field(gt=0, le=3600)] = 60.0
    """Longest wait between two retries of a step."""
    chapter_min_seconds: Annotated[float, Field(ge=0, le=3600)] = 30.0
    """Chapters shorter than this (a slide flipped past) merge into a neighbour."""
    chapter_topic_split_seconds: Annotated[float, Field(ge=10, le=36000)] = 600.0
    """A slide up for longer than this is split where the transcript changes topic."""

    # --- health -----------------------------------------------------------------------
    readiness_timeout_seconds: Annotated[float, Field(gt=0, le=30)] = 2.0

    # --- the api's database pool ------------------------------------------------------
    db_pool_size: Annotated[int, Field(ge=1, le=200)] = 10
    """Connections the api keeps open."""
    db_max_overflow: Annotated[int, Field(ge=0, le=500)] = 30
    """Connections it may open beyond those under load (10 + 30: as many as the threads
    that run its requests)."""
    db_pool_timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 5.0
    """How long a request waits for a free connection before it is answered 503
    `overloaded` (with `Retry-After`), unstarted."""

    # --- live gateway (WebSocket) -----------------------------------------------------
    realtime_hello_timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 5.0
    """How long a new socket may take to send its hello before it is closed (4401)."""
    realtime_ping_interval_seconds: Annotated[float, Field(gt=0, le=300)] = 20.0
    """How often the gateway sends `{"type":"ping"}` to every socket."""
    realtime_send_queue_limit: Annotated[int, Field(ge=1, le=1_000_000)] = 1000
    """Events a socket may have waiting to be written; a client that falls further behind
    is disconnected (4008) and resumes from its seq."""
    realtime_poll_interval_seconds: Annotated[float, Field(gt=0, le=60)] = 0.5
    """While Redis is down, how often the gateway reads new events from the log."""
    realtime_reconcile_interval_seconds: Annotated[float, Field(gt=0, le=3600)] = 5.0
    """While Redis is up, how often the gateway checks the log for a lost publish."""
    realtime_reauthorize_interval_seconds: Annotated[float, Field(gt=0, le=3600)] = 15.0
    """How often the gateway checks that every open socket's user may still join its
    class (removed from the course: closed with 4403)."""

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"MULTISTREAM_TRUSTED_PROXIES: {entry!r} is not an IP address or network"
                    ' (write e.g. ["10.0.0.5", "10.1.0.0/16"])'
                ) from None
        return value

    @field_validator(
        "storage_dir", "asr_cache_dir", "lti_private_key", "lti_private_key_file", mode="before"
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _fill_local_defaults(self) -> Self:
        password = self.postgres_password.get_secret_value()
        if not self.database_url:
            self.database_url = (
                f"postgresql+psycopg://{self.postgres_user}:{password}"
                f"@127.0.0.1:{self.postgres_port}/{self.postgres_db}"
            )
        if not self.redis_url:
            self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        if not self.s3_endpoint_url:
            self.s3_endpoint_url = f"http://127.0.0.1:{self.minio_port}"
        if not self.livekit_url and self.media_enabled:
            self.livekit_url = f"ws://127.0.0.1:{self.livekit_port}"
        if self.storage_dir is None:
            self.storage_dir = self.data_dir / "storage"
        if not self.public_url:
            self.public_url = f"http://{self.api_host}:{self.api_port}"
        self.public_url = self.public_url.rstrip("/")
        if not self.allowed_origins:
            self.allowed_origins = (
                [self.public_url]
                if self.env is Environment.production
                else [
                    self.public_url,
                    f"http://localhost:{self.api_port}",
                    "http://127.0.0.1:5173",
                    "http://localhost:5173",
                ]
            )
        if self.auth_provider == "clerk":
            if not self.clerk_issuer:
                raise ValueError("MULTISTREAM_CLERK_ISSUER is required when auth_provider=clerk")
            self.clerk_issuer = self.clerk_issuer.rstrip("/")
            if not self.clerk_jwks_url:
                self.clerk_jwks_url = f"{self.clerk_issuer}/.well-known/jwks.json"
        if self.render_hard_time_limit_seconds <= self.render_soft_time_limit_seconds:
            raise ValueError(
                "MULTISTREAM_RENDER_HARD_TIME_LIMIT_SECONDS must be above the soft limit"
            )
        if self.asr_chunk_max_seconds < self.asr_chunk_seconds:
            raise ValueError(
                "MULTISTREAM_ASR_CHUNK_MAX_SECONDS must be at least MULTISTREAM_ASR_CHUNK_SECONDS"
            )
        if self.env is Environment.production:
            refusals = production_refusals(self)
            if refusals:
                raise ValueError(
                    "production mode (MULTISTREAM_ENV=production) refuses to start:\n- "
                    + "\n- ".join(refusals)
                )
        return self

    @property
    def database_url_sync(self) -> str:
        """The database URL with the psycopg 3 driver, whatever the operator wrote."""
        url = self.database_url
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url

    @property
    def local_issuer(self) -> str:
        """The `iss` of tokens from the built-in provider."""
        return f"{self.public_url}/auth/local"

    @property
    def token_issuer(self) -> str:
        return self.clerk_issuer if self.auth_provider == "clerk" else self.local_issuer

    @property
    def web_origins(self) -> list[str]:
        """Origins of the web app: the allowed ones and always the api's own."""
        return list(dict.fromkeys([self.public_url, *self.allowed_origins]))

    @property
    def serves_tls(self) -> bool:
        """Browsers reach the api over HTTPS: Secure cookies and HSTS."""
        return self.public_url.startswith("https://")

    @property
    def web_dist_dir(self) -> Path:
        """The built web app, served by the api when it exists (`npm run build`)."""
        return PROJECT_ROOT / "web" / "dist"

    @property
    def keys_dir(self) -> Path:
        """Signing keys of the local provider, generated on first run."""
        return self.data_dir / "keys"

    @property
    def media_configured(self) -> bool:
        return self.media_enabled and bool(self.livekit_url)

    @property
    def asr_model_cache_dir(self) -> Path:
        """Joined, checksum-verified Whisper models (made once from the installed wheels)."""
        return self.asr_cache_dir or self.data_dir / "models"

    @property
    def asr_queue(self) -> str:
        """Where the pipeline sends its transcription chunk tasks."""
        return self.celery_asr_queue or self.celery_queue

    @property
    def filesystem_root(self) -> Path:
        assert self.storage_dir is not None  # filled in by the validator
        return self.storage_dir


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
