import { readVersionDetails } from './version-registry';

const details = { version: '2.2.1', endpoints: [{ identifier: 'credentials', role: 'RECEIVER', url: 'https://cpo/2.2.1/credentials' }] };

describe('version_information_endpoint 2.2.1 §Version details endpoint: data is one object { version, endpoints }', () => {
  it('takes the object as sent, with no deviation', () => {
    expect(readVersionDetails(details, '2.2.1')).toEqual({ ok: true, details, deviations: [] });
  });

  it('tolerates a list holding the one object: read as that object, counted as VERSION_DETAILS_AS_LIST', () => {
    expect(readVersionDetails([details], '2.2.1')).toEqual({ ok: true, details, deviations: [{ kind: 'VERSION_DETAILS_AS_LIST', field: 'data' }] });
  });

  it('refuses a list of none or several, details of another version or of none, and what is no object, saying why', () => {
    expect(readVersionDetails([], '2.2.1')).toEqual({ ok: false, reason: 'data is an empty list; expected one version details object' });
    expect(readVersionDetails([details, details], '2.2.1')).toEqual({ ok: false, reason: 'data is a list of 2 version details objects; expected one object' });
    expect(readVersionDetails(details, '2.1.1')).toEqual({ ok: false, reason: 'they are the details of version 2.2.1, not of 2.1.1' });
    expect(readVersionDetails({ ...details, version: 2.2 }, '2.2.1')).toEqual({ ok: false, reason: 'they are the details of version 2.2, not of 2.2.1' });
    expect(readVersionDetails({ endpoints: details.endpoints }, '2.2.1')).toEqual({ ok: false, reason: 'they name no version (required); expected 2.2.1' });
    expect(readVersionDetails(null, '2.2.1')).toEqual({ ok: false, reason: 'data is not a version details object' });
    expect(readVersionDetails([[details]], '2.2.1')).toEqual({ ok: false, reason: 'data is not a version details object' });
  });
});
