#!/usr/bin/python3
"""Create the undercloud's services, endpoints, service users and roles in
Keystone, skipping whatever already exists (one process is much faster than
dozens of `openstack` CLI calls)."""
import os

from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client

host = os.environ.get('UC_HOST', '127.0.0.1')
region = os.environ.get('UC_REGION', 'regionOne')
service_password = os.environ['UC_SERVICE_PASSWORD']

ks = client.Client(session=session.Session(auth=v3.Password(
    auth_url='http://%s:5000/v3' % host, username='admin',
    password=os.environ['UC_ADMIN_PASSWORD'], project_name='admin',
    user_domain_name='Default', project_domain_name='Default')))

# (type, name, url for every interface, admin url if different)
SERVICES = [
    ('object-store', 'swift', 'http://%s:8080/v1/AUTH_%%(project_id)s' % host, 'http://%s:8080' % host),
    ('workflowv2', 'mistral', 'http://%s:8989/v2' % host, None),
    ('orchestration', 'heat', 'http://%s:8004/v1/%%(project_id)s' % host, None),
    ('baremetal', 'ironic', 'http://%s:6385' % host, None),
    ('baremetal-introspection', 'ironic-inspector', 'http://%s:5050' % host, None),
    ('image', 'glance', 'http://%s:9292' % host, None),
    ('compute', 'nova', 'http://%s:8774/v2.1' % host, None),
]
# Catalog entries only, no server behind them: Heat refuses to validate a template whose resource
# types belong to a service missing from the catalog ("neutron network endpoint is not in service
# catalog"), so real tripleo-heat-templates need them for template-validate and previews. Nothing
# listens on these ports: deploying a real tree needs a real undercloud.
CATALOG_ONLY = [
    ('network', 'neutron', 'http://%s:9696' % host, None),
    ('volume', 'cinder', 'http://%s:8776/v1/%%(project_id)s' % host, None),
    ('volumev2', 'cinderv2', 'http://%s:8776/v2/%%(project_id)s' % host, None),
    ('volumev3', 'cinderv3', 'http://%s:8776/v3/%%(project_id)s' % host, None),
]


def first(found):
    return found[0] if found else None


def ensure_role(name):
    return first(ks.roles.list(name=name)) or ks.roles.create(name=name)


service_project = first(ks.projects.list(name='service')) or ks.projects.create(
    name='service', domain='default', description='Service users')
admin_project = first(ks.projects.list(name='admin'))
admin = first(ks.users.list(name='admin'))
admin_role = ensure_role('admin')
service_role = ensure_role('service')
for name in ('member', 'reader', 'swiftoperator', 'ResellerAdmin', 'heat_stack_owner', 'heat_stack_user'):
    ensure_role(name)
# admin works in its own project with every role Swift and Heat look for
for name in ('member', 'swiftoperator', 'ResellerAdmin', 'heat_stack_owner'):
    ks.roles.grant(ensure_role(name), user=admin, project=admin_project)



def ensure_endpoints(stype, name, url, admin_url):
    service = first(ks.services.list(name=name)) or ks.services.create(name=name, type=stype, description=name)
    present = {e.interface for e in ks.endpoints.list(service=service)}
    for interface in ('public', 'internal', 'admin'):
        if interface not in present:
            ks.endpoints.create(service=service, interface=interface, region=region,
                                url=admin_url if (interface == 'admin' and admin_url) else url)


for entry in CATALOG_ONLY:
    ensure_endpoints(*entry)
for stype, name, url, admin_url in SERVICES:
    ensure_endpoints(stype, name, url, admin_url)
    user = first(ks.users.list(name=name)) or ks.users.create(
        name=name, password=service_password, domain='default', default_project=service_project)
    ks.roles.grant(admin_role, user=user, project=service_project)
    ks.roles.grant(service_role, user=user, project=service_project)

print('keystone catalog: %d services, %d endpoints' % (len(ks.services.list()), len(ks.endpoints.list())))
