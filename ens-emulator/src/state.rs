//! The emulated service's state: accounts and their resources, the catalog of regions, instance
//! types and images, and the stock. Serializable as a whole: it is what `--state` stores and
//! `GET /_emulator/state` shows.

use crate::clock::{Clock, ClockMode};
use crate::rng::Rng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// Version of the state file's layout; a newer file is refused, never half-read.
pub const STATE_SCHEMA: u32 = 1;

/// An instance status. Only `Running`, `Stopped` and `Expired` are in the 2024 reference's
/// list; `Starting` and `Stopping` are named by StartInstance, RebootInstance and StopInstance's
/// descriptions; `Pending` (a created instance that is not running yet) is issue 12's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Created, booting.
    Pending,
    /// Started or rebooted, booting.
    Starting,
    /// Running.
    Running,
    /// Shutting down.
    Stopping,
    /// Stopped.
    Stopped,
    /// A subscription whose period ended.
    Expired,
}

impl Status {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "Pending",
            Status::Starting => "Starting",
            Status::Running => "Running",
            Status::Stopping => "Stopping",
            Status::Stopped => "Stopped",
            Status::Expired => "Expired",
        }
    }

    /// Whether the instance is between two stable statuses.
    pub fn is_transient(self) -> bool {
        matches!(self, Status::Pending | Status::Starting | Status::Stopping)
    }
}

/// How an instance is billed, which decides how it is released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChargeType {
    /// Subscription: CreateInstance, or RunInstances with `InstanceChargeType=PrePaid`;
    /// released with ReleasePrePaidInstance.
    PrePaid,
    /// Pay-as-you-go: RunInstances with `InstanceChargeType=PostPaid`; released with
    /// ReleasePostPaidInstance.
    PostPaid,
}

/// When a transition completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settle {
    /// After this long on the resource clock (zero: at the next request).
    After(Duration),
    /// Never: the instance stays in its transient status (for waiter-timeout tests).
    Never,
}

/// How long each lifecycle transition takes on the resource clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timings {
    /// `Pending` -> `Running` after creation.
    pub boot: Settle,
    /// `Starting` -> `Running` after StartInstance.
    pub start: Settle,
    /// `Stopping` -> `Stopped` after StopInstance.
    pub stop: Settle,
    /// `Starting` -> `Running` after RebootInstance.
    pub reboot: Settle,
    /// `Starting` -> `Running` after ReinitInstance.
    pub reinit: Settle,
}

impl Default for Timings {
    /// Short enough for a quickstart, long enough that a waiter sees the transient status once.
    fn default() -> Self {
        let s = |secs| Settle::After(Duration::from_secs(secs));
        Self {
            boot: s(2),
            start: s(1),
            stop: s(1),
            reboot: s(1),
            reinit: s(2),
        }
    }
}

impl Timings {
    /// Every transition completes at the next request.
    pub fn immediate() -> Self {
        let now = Settle::After(Duration::ZERO);
        Self {
            boot: now,
            start: now,
            stop: now,
            reboot: now,
            reinit: now,
        }
    }
}

/// A pending status change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Transition {
    pub(crate) to: Status,
    /// Resource time it completes at; `None`: never.
    pub(crate) due_ms: Option<i64>,
}

impl Transition {
    pub(crate) fn new(to: Status, now_ms: i64, settle: Settle) -> Self {
        let due_ms = match settle {
            Settle::After(d) => Some(now_ms.saturating_add(crate::clock::duration_ms(d))),
            Settle::Never => None,
        };
        Self { to, due_ms }
    }
}

/// An ENS instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Instance {
    pub(crate) id: String,
    pub(crate) region: String,
    pub(crate) instance_type: String,
    pub(crate) image_id: String,
    pub(crate) name: String,
    pub(crate) host_name: Option<String>,
    pub(crate) status: Status,
    pub(crate) transition: Option<Transition>,
    pub(crate) charge: ChargeType,
    pub(crate) created_ms: i64,
    /// Subscriptions only: when the period ends.
    pub(crate) expires_ms: Option<i64>,
    /// Pay-as-you-go only: when RunInstances' `AutoReleaseTime` releases it.
    #[serde(default)]
    pub(crate) auto_release_ms: Option<i64>,
    /// Creation order, for stable listings.
    pub(crate) seq: u64,
    pub(crate) network_id: Option<String>,
    pub(crate) vswitch_id: Option<String>,
    pub(crate) private_ip: String,
    pub(crate) public_ip: Option<String>,
    pub(crate) system_disk_gb: i64,
    pub(crate) data_disks_gb: Vec<i64>,
    pub(crate) bandwidth_out: i64,
    pub(crate) tags: Vec<(String, String)>,
    pub(crate) spot_strategy: Option<String>,
    pub(crate) auto_release_time: Option<String>,
}

/// A network (VPC) of an edge node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Network {
    pub(crate) id: String,
    pub(crate) region: String,
    pub(crate) name: String,
    pub(crate) cidr: String,
    pub(crate) description: String,
    pub(crate) created_ms: i64,
    pub(crate) seq: u64,
}

/// A vSwitch: a block of a network's addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VSwitch {
    pub(crate) id: String,
    pub(crate) region: String,
    pub(crate) network_id: String,
    pub(crate) name: String,
    pub(crate) cidr: String,
    pub(crate) description: String,
    pub(crate) created_ms: i64,
    pub(crate) seq: u64,
}

/// What one Alibaba Cloud account owns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Account {
    pub(crate) instances: BTreeMap<String, Instance>,
    pub(crate) networks: BTreeMap<String, Network>,
    pub(crate) vswitches: BTreeMap<String, VSwitch>,
}

/// An edge node (ENS region).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    /// `cn-beijing-cmcc`.
    pub id: String,
    /// The carrier, shown with addresses (`cmcc`, `telecom`, `unicom`).
    pub isp: String,
}

/// An instance type with its size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceType {
    /// `ens.sn1.small`.
    pub id: String,
    /// vCPUs.
    pub cpu: u32,
    /// Memory in MiB.
    pub memory_mb: u32,
}

/// An image instances can be created from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    /// `centos_7_08_64_20G_alibase_20200914`.
    pub id: String,
    /// `centos 7.8 x86_64`.
    pub os_name: String,
}

/// The regions, instance types and images the emulated service offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fixture {
    /// Edge nodes.
    pub regions: Vec<Region>,
    /// Instance types, offered in every region.
    pub instance_types: Vec<InstanceType>,
    /// Images, offered in every region.
    pub images: Vec<Image>,
    /// Instances of each type each region can still host, unless set otherwise.
    pub default_stock: u32,
}

impl Default for Fixture {
    /// A small, realistic catalog: five nodes of the three carriers, five types, two images,
    /// 100 instances of each type per node.
    fn default() -> Self {
        let region = |id: &str| Region {
            id: id.to_owned(),
            isp: id.rsplit('-').next().unwrap_or("telecom").to_owned(),
        };
        let itype = |id: &str, cpu, memory_mb| InstanceType {
            id: id.to_owned(),
            cpu,
            memory_mb,
        };
        let image = |id: &str, os: &str| Image {
            id: id.to_owned(),
            os_name: os.to_owned(),
        };
        Self {
            regions: vec![
                region("cn-beijing-cmcc"),
                region("cn-hangzhou-telecom"),
                region("cn-shanghai-unicom"),
                region("cn-guangzhou-telecom"),
                region("cn-xian-unicom"),
            ],
            instance_types: vec![
                itype("ens.sn1.tiny", 1, 2048),
                itype("ens.sn1.stiny", 2, 4096),
                itype("ens.sn1.small", 4, 8192),
                itype("ens.sn1.medium", 8, 16384),
                itype("ens.se1.tiny", 2, 4096),
            ],
            images: vec![
                image("centos_7_08_64_20G_alibase_20200914", "centos 7.8 x86_64"),
                image(
                    "ubuntu_20_04_x64_20G_alibase_20210420",
                    "ubuntu 20.04 x86_64",
                ),
            ],
            default_stock: 100,
        }
    }
}

/// The whole emulated world.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct World {
    pub(crate) schema: u32,
    pub(crate) emulator_version: String,
    pub(crate) clock: Clock,
    pub(crate) rng: Rng,
    pub(crate) fixture: Fixture,
    /// Free capacity: region -> instance type -> instances. Missing: the fixture's default.
    pub(crate) stock: BTreeMap<String, BTreeMap<String, u32>>,
    /// Account id -> what it owns.
    pub(crate) accounts: BTreeMap<String, Account>,
    /// Last creation sequence number handed out.
    pub(crate) sequence: u64,
}

impl World {
    pub(crate) fn new(mode: ClockMode, seed: u64, fixture: Fixture) -> Self {
        Self {
            schema: STATE_SCHEMA,
            emulator_version: env!("CARGO_PKG_VERSION").to_owned(),
            clock: Clock::new(mode),
            rng: Rng::new(seed),
            fixture,
            stock: BTreeMap::new(),
            accounts: BTreeMap::new(),
            sequence: 0,
        }
    }

    /// Applies every transition due at `now_ms`, expires ended subscriptions and releases
    /// instances whose `AutoReleaseTime` has come.
    pub(crate) fn settle(&mut self, now_ms: i64) {
        let mut released = Vec::new();
        for account in self.accounts.values_mut() {
            account.instances.retain(|_, i| {
                let keep = i.auto_release_ms.is_none_or(|at| at > now_ms);
                if !keep {
                    released.push((i.region.clone(), i.instance_type.clone()));
                }
                keep
            });
            for instance in account.instances.values_mut() {
                if let Some(t) = instance.transition
                    && t.due_ms.is_some_and(|due| due <= now_ms)
                {
                    instance.status = t.to;
                    instance.transition = None;
                }
                if instance.transition.is_none()
                    && instance.status != Status::Expired
                    && instance.expires_ms.is_some_and(|end| end <= now_ms)
                {
                    instance.status = Status::Expired;
                }
            }
        }
        for (region, instance_type) in released {
            let free = self.free(&region, &instance_type);
            self.set_free(&region, &instance_type, free.saturating_add(1));
        }
    }

    pub(crate) fn next_seq(&mut self) -> u64 {
        self.sequence += 1;
        self.sequence
    }

    /// Free capacity for `instance_type` in `region`.
    pub(crate) fn free(&self, region: &str, instance_type: &str) -> u32 {
        self.stock
            .get(region)
            .and_then(|types| types.get(instance_type))
            .copied()
            .unwrap_or(self.fixture.default_stock)
    }

    pub(crate) fn set_free(&mut self, region: &str, instance_type: &str, count: u32) {
        self.stock
            .entry(region.to_owned())
            .or_default()
            .insert(instance_type.to_owned(), count);
    }

    pub(crate) fn region(&self, id: &str) -> Option<&Region> {
        self.fixture.regions.iter().find(|r| r.id == id)
    }

    pub(crate) fn instance_type(&self, id: &str) -> Option<&InstanceType> {
        self.fixture.instance_types.iter().find(|t| t.id == id)
    }

    pub(crate) fn image(&self, id: &str) -> Option<&Image> {
        self.fixture.images.iter().find(|i| i.id == id)
    }
}

/// One instance as the library API reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct InstanceSummary {
    /// Owning account.
    pub account: String,
    /// `i-...`.
    pub id: String,
    /// `EnsRegionId`.
    pub region: String,
    /// Current status (transitions due are applied first).
    pub status: Status,
    /// `ens.sn1.small`.
    pub instance_type: String,
    /// How it is billed.
    pub charge: ChargeType,
    /// The instance name.
    pub name: String,
    /// Its private address.
    pub private_ip: String,
    /// Its vSwitch, if created in one.
    pub vswitch_id: Option<String>,
}

impl InstanceSummary {
    pub(crate) fn of(account: &str, i: &Instance) -> Self {
        Self {
            account: account.to_owned(),
            id: i.id.clone(),
            region: i.region.clone(),
            status: i.status,
            instance_type: i.instance_type.clone(),
            charge: i.charge,
            name: i.name.clone(),
            private_ip: i.private_ip.clone(),
            vswitch_id: i.vswitch_id.clone(),
        }
    }
}
