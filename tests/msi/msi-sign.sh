#!/usr/bin/env bash
# msi-sign.sh: signed builds (issue 15.5). A throwaway code-signing
# certificate is made with openssl at test time (never kept, never a real
# key); installer/build-msi --sign-cert signs climon.exe and
# climon-check.exe inside the package, the package, and the site's
# clisetup.exe and ccm.exe; every signature is checked with
# `osslsigncode verify` against that certificate, and the digest must be
# SHA-256. The unsigned package of the same build (the default) must carry
# no signature, and the build's own programs must be left unsigned.
#   msi-sign.sh <build-msi> <build dir> <climon.exe> <climon-check.exe>
#               <clisetup.exe> <ccm.exe> <unsigned.msi> <work dir>
set -u
build_msi=$1 build_dir=$2 climon=$3 checkexe=$4 clisetup=$5 ccm=$6 unsigned=$7 work=$8
. "$(dirname "$0")/lib.sh"
need osslsigncode "Debian's osslsigncode"
need openssl "Debian's openssl"
need msiextract "Debian's msitools"

rm -rf "$work" && mkdir -p "$work"
umask 077
# A certificate for code signing, valid for a day, and its PKCS#12 with a password.
openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days 1 -subj "/CN=Climon Test Signing $$" \
    -addext "keyUsage=critical,digitalSignature" -addext "extendedKeyUsage=codeSigning" \
    -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1
check "a throwaway certificate is made" test -s "$work/cert.pem"
printf 'throwaway-%s\n' "$$" >"$work/pass"
openssl pkcs12 -export -in "$work/cert.pem" -inkey "$work/key.pem" -out "$work/test.pfx" \
    -passout "file:$work/pass" >/dev/null 2>&1
check "its PKCS#12 is made" test -s "$work/test.pfx"

out=$work/out/Climon-signed.msi
if "$build_msi" --build-dir "$build_dir" --climon "$climon" --check "$checkexe" --out "$out" \
    --sign-cert "$work/test.pfx" --sign-pass-file "$work/pass" --clisetup "$clisetup" --ccm "$ccm" \
    >"$work/build.out" 2>&1; then
    ok "build-msi --sign-cert builds a signed package"
else
    not_ok "build-msi --sign-cert builds a signed package" "$(cat "$work/build.out")"
fi

# verified NAME FILE: a valid Authenticode signature by the test
# certificate, SHA-256.
verified() {
    local v
    v=$(osslsigncode verify -CAfile "$work/cert.pem" -in "$2" 2>&1)
    if grep -q 'Signature verification: ok' <<<"$v" && grep -qi 'digest algorithm *: *sha256' <<<"$v" &&
        grep -q "Climon Test Signing $$" <<<"$v"; then
        ok "$1 is signed (SHA-256) and verifies"
    else
        not_ok "$1 is signed (SHA-256) and verifies" "$v"
    fi
}
verified "the package" "$out"
verified "clisetup.exe" "$work/out/site/clisetup.exe"
verified "ccm.exe" "$work/out/site/ccm.exe"
mkdir -p "$work/x" && (cd "$work/x" && msiextract "$out" >/dev/null 2>&1)
for name in climon.exe climon-check.exe; do
    f=$(find "$work/x" -iname "$name" | head -1)
    if [ -n "$f" ]; then verified "$name in the package" "$f"; else not_ok "$name is in the package"; fi
done

# A signature by another certificate does not pass for ours.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=Someone Else" \
    -keyout "$work/other.key" -out "$work/other.pem" >/dev/null 2>&1
check "the signature does not verify against another certificate" \
    bash -c "! osslsigncode verify -CAfile '$work/other.pem' -in '$out' 2>&1 | grep -q 'Signature verification: ok'"

# A timestamp service that cannot be reached fails the build: never a
# signature that silently lacks the timestamp asked for, never a package.
ts_out=$work/ts/Climon-ts.msi
check "an unreachable timestamp service fails the build" bash -c "! '$build_msi' --build-dir '$build_dir' --climon '$climon' --check '$checkexe' --out '$ts_out' --sign-cert '$work/test.pfx' --sign-pass-file '$work/pass' --clisetup '$clisetup' --ccm '$ccm' --timestamp http://127.0.0.1:9/ >/dev/null 2>&1"
check "and leaves no package" test ! -e "$ts_out"

# Unsigned stays the default, and signing never touches the build's files.
unsigned_has_none() { ! osslsigncode extract-signature -in "$1" -out "$work/sig.$$" >/dev/null 2>&1; }
check "the default package carries no signature" unsigned_has_none "$unsigned"
check "the build's climon.exe is left unsigned" unsigned_has_none "$climon"
check "the build's ccm.exe is left unsigned" unsigned_has_none "$ccm"
check "no key material is left in the output" bash -c "! ls '$work/out' '$work/out/site' | grep -qi -e pfx -e pem"
rm -f "$work/key.pem" "$work/other.key" "$work/test.pfx" "$work/pass"
finish
